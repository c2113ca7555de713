"""One shared widget per kernel that hands the page the face model and its WebAssembly runtime, never via a CDN.

The page asks for the files it does not already hold in its cache (keyed by SHA-256); each answer is a custom
message with the file gzipped as a binary buffer, so the bytes never become widget state a notebook would save.
"""

from __future__ import annotations

import gzip
import threading

import ipywidgets as widgets
import traitlets

from ..assets import BROWSER_FILES, FACE_MODEL, browser_file, verified_model_path

MODEL_NAME = "face_landmarker.task"


def _paths() -> dict[str, tuple[object, str]]:
    files = {name: (lambda name=name: browser_file(name), sha) for name, (_, sha) in BROWSER_FILES.items()}
    files[MODEL_NAME] = (verified_model_path, FACE_MODEL.sha256)
    return files


class FaceModelFiles(widgets.Widget):
    """The files the page needs to run the face model: listed in ``files``, sent when the page asks for them."""

    files = traitlets.List(help="name, sha256 and size of each file the page needs").tag(sync=True)
    """Type: list of dict. Filled when the files are in place; empty when they are missing (the page then falls back)."""
    problem = traitlets.Unicode("", help="why the files cannot be delivered, in one sentence").tag(sync=True)
    """Type: str. Default: ''. Set when the model or its runtime is missing or fails its hash check."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        listing, problem = [], ""
        try:
            for name, (locate, sha) in _paths().items():
                path = locate()
                listing.append({"name": name, "sha256": sha, "size": path.stat().st_size})
        except Exception as error:  # ModelUnavailableError says what to run; anything else is said as it is
            listing, problem = [], str(error)
        self.files, self.problem = listing, problem
        self.sent_bytes = 0
        self.on_msg(self._on_page_message)

    def _on_page_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("kind") != "get":
            return
        wanted = [name for name in content.get("names", []) if isinstance(name, str)]
        # Compressing the 11 MB runtime takes a moment: do it off the kernel's main loop.
        threading.Thread(target=self._send_files, args=(wanted,), name="microexp-files", daemon=True).start()

    def _send_files(self, names: list[str]) -> None:
        paths = _paths()
        for name in names:
            if name not in paths:
                continue
            try:
                data = gzip.compress(paths[name][0]().read_bytes(), compresslevel=5, mtime=0)
            except Exception as error:
                self.send({"kind": "missing", "name": name, "problem": str(error)})
                continue
            self.sent_bytes += len(data)
            self.send({"kind": "file", "name": name, "encoding": "gzip"}, buffers=[data])


_shared: FaceModelFiles | None = None
_shared_lock = threading.Lock()


def shared_files() -> FaceModelFiles:
    """The one ``FaceModelFiles`` of this kernel (made on first use), so the page is sent the files only once."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.comm is None:
            _shared = FaceModelFiles()
        return _shared
