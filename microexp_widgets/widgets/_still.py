"""A picture panel whose image travels as a custom message, so it is never part of the saved widget state."""

from __future__ import annotations

import threading
from pathlib import Path

import anywidget
import numpy as np


def encode_jpeg(rgb: np.ndarray, quality: int = 85) -> bytes:
    """JPEG bytes of an RGB uint8 image (encoded with PyAV's MJPEG encoder, already a dependency)."""
    import av

    rgb = np.ascontiguousarray(rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2], dtype=np.uint8)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuvj420p")
    codec = av.CodecContext.create("mjpeg", "w")
    codec.width, codec.height, codec.pix_fmt = frame.width, frame.height, "yuvj420p"
    codec.options = {"qmin": "1", "qmax": str(max(2, (100 - quality) // 3))}
    packets = codec.encode(frame) + codec.encode(None)
    return b"".join(bytes(packet) for packet in packets)


_OWN_ALT = "your own frame at the apex of the selected movement"
_SAMPLE_ALT = "the sample clip's frame at the apex of the selected movement"


class StillView(anywidget.AnyWidget):
    """Shows one frame (or a caption alone); the picture lives only in this kernel and in the open page.

    A view rendered later (the widget shown twice, or the page reloaded) asks for the current picture, so every view
    shows the same frame without the picture ever becoming synced state.
    """

    _esm = Path(__file__).with_name("_still.js")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.caption = ""
        self._jpeg: bytes | None = None
        self._alt = _OWN_ALT
        self._page_still: dict | None = None  # a frame of a take analysed in the page, which only the page holds
        # show() runs on a worker thread while a page may ask for the picture: one message at a time, in order.
        self._lock = threading.Lock()
        self.on_msg(self._on_page_message)

    def show(self, rgb: np.ndarray | None, caption: str, *, own: bool = True) -> None:
        """Show ``rgb`` (or no picture when None) with a plain-text caption; ``own`` is False for a stranger's clip."""
        jpeg = encode_jpeg(rgb) if rgb is not None else None
        alt = _OWN_ALT if own else _SAMPLE_ALT
        with self._lock:
            self._send_picture(jpeg, caption, alt)
            self._jpeg, self.caption, self._alt, self._page_still = jpeg, caption, alt, None

    def show_page_frame(self, source: str, time_s: float, caption: str) -> None:
        """Show the frame nearest ``time_s`` of a take analysed in the page (``source`` names it there).

        The picture was never sent to Python: the page finds it in its own memory.
        """
        message = {"kind": "page-still", "source": source, "time_s": float(time_s), "caption": caption}
        with self._lock:
            self.send(message)
            self._jpeg, self.caption, self._alt, self._page_still = None, caption, _OWN_ALT, message

    def _send_picture(self, jpeg: bytes | None, caption: str, alt: str) -> None:
        message = {"kind": "still", "mime": "image/jpeg", "caption": caption, "alt": alt}
        self.send(message, buffers=[jpeg] if jpeg else [])

    def _on_page_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("kind") == "ready":
            with self._lock:
                if self._page_still is not None:
                    self.send(self._page_still)
                else:
                    self._send_picture(self._jpeg, self.caption, self._alt)
