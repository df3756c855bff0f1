"""Saving a document the officer chose: whole or not at all, and a reason a person understands."""

from __future__ import annotations

import errno
import os

import pytest

from idtool import atomic
from idtool.errors import StorageError


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "disk is full"), (errno.EFBIG, "too large"), (errno.EIO, "could not be saved")],
)
def test_a_failed_save_says_why_and_leaves_nothing(tmp_path, monkeypatch, code, words):
    real = os.write
    calls = {"n": 0}

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(code, os.strerror(code))
        return real(fd, data[:100])

    monkeypatch.setattr(atomic.os, "write", write)
    with pytest.raises(StorageError) as info:
        atomic.document_saver(tmp_path / "certificate.pdf")(b"%PDF-" + b"x" * 10_000)
    assert words in info.value.message and "\n" not in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_and_a_good_save(tmp_path):
    with pytest.raises(StorageError) as info:
        atomic.document_saver(tmp_path / "gone" / "a.pdf")(b"%PDF-1")
    assert "does not exist" in info.value.message
    atomic.document_saver(tmp_path / "a.pdf")(b"%PDF-1")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1"
