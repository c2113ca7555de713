"""A picture panel whose image travels as a custom message, so it is never part of the saved widget state."""

from __future__ import annotations

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


class StillView(anywidget.AnyWidget):
    """Shows one frame (or a caption alone); the picture lives only in this kernel and in the open page."""

    _esm = Path(__file__).with_name("_still.js")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.caption = ""
        self.has_picture = False

    def show(self, rgb: np.ndarray | None, caption: str) -> None:
        """Show ``rgb`` (or no picture when None) with a plain-text caption."""
        self.caption = caption
        buffers = [encode_jpeg(rgb)] if rgb is not None else []
        self.send({"kind": "still", "mime": "image/jpeg", "caption": caption}, buffers=buffers)
        self.has_picture = rgb is not None  # set once the picture is on its way, so a watcher sees it sent

    def show_page_frame(self, source: str, time_s: float, caption: str) -> None:
        """Show the frame nearest ``time_s`` of a take analysed in the page (``source`` names it there).

        The picture was never sent to Python: the page finds it in its own memory.
        """
        self.caption = caption
        self.send({"kind": "page-still", "source": source, "time_s": float(time_s), "caption": caption})
        self.has_picture = True
