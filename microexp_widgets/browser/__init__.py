"""The face model for the page: its files delivered by the kernel, and live analysis of the camera in the browser."""
