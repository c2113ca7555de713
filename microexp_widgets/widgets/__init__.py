"""The Jupyter widgets the lessons are built from; import them from ``microexp_widgets``."""
