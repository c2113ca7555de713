"""One shared widget per kernel that hands the page the face model and its WebAssembly runtime, never via a CDN.

The page asks for the files it does not already hold in its cache (keyed by SHA-256); each answer is a custom
message with the file gzipped as a binary buffer, so the bytes never become widget state a notebook would save.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import threading
from pathlib import Path

import ipywidgets as widgets
import traitlets

from ..assets import BROWSER_FILES, FACE_MODEL, browser_dir, browser_file, verified_model_path

MODEL_NAME = "face_landmarker.task"


def _paths() -> dict[str, tuple[object, str]]:
    files = {name: (lambda name=name: browser_file(name), sha) for name, (_, sha) in BROWSER_FILES.items()}
    files[MODEL_NAME] = (verified_model_path, FACE_MODEL.sha256)
    return files


class FaceModelFiles(widgets.Widget):
    """The files the page needs to run the face model: listed in ``files``, sent when the page asks for them."""

    files = traitlets.List(help="name, sha256 and size of each file the page needs").tag(sync=True)
    """Type: list of dict. Filled when the files are in place; empty when they are missing (the page falls back)."""
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
            locate, sha256 = paths[name]
            try:
                data = _gzipped(locate(), sha256)
            except Exception as error:
                self.send({"kind": "missing", "name": name, "problem": str(error)})
                continue
            self.sent_bytes += len(data)
            self.send({"kind": "file", "name": name, "encoding": "gzip"}, buffers=[data])


def _gzipped(path: Path, sha256: str) -> bytes:
    """The file gzipped, made once per machine and kept beside the runtime (named by the original's SHA-256).

    Every kernel would otherwise spend a second or more of CPU compressing the same 11 MB; the page checks the
    unpacked bytes against the SHA-256 anyway, so a damaged copy can only make it fall back, never run a wrong model.
    """
    kept = browser_dir() / f"{sha256}.gz"
    try:
        return kept.read_bytes()
    except OSError:
        pass
    data = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
    try:
        with tempfile.NamedTemporaryFile(dir=browser_dir(), suffix=".part", delete=False) as out:
            out.write(data)
        os.replace(out.name, kept)  # atomic, so two kernels never read a half-written copy
    except OSError:
        pass  # a read-only cache: compress again next time
    return data


_shared: FaceModelFiles | None = None
_shared_lock = threading.Lock()


def shared_files() -> FaceModelFiles:
    """The one ``FaceModelFiles`` of this kernel (made on first use), so the page is sent the files only once."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.comm is None:
            _shared = FaceModelFiles()
        return _shared
