"""Write a file so that it is either complete under its final name or not there at all."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path

from idtool.errors import StorageError
from idtool.i18n import _


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Temporary file in the same folder, fsync, rename over `path`, fsync the folder."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def document_saver(path: Path) -> Callable[[bytes], None]:
    """A `save(data)` callable for a document the officer chose to write at `path` (a PDF):
    atomic, and any failure is a StorageError that says why (a full disk, a missing folder),
    with nothing left behind."""
    path = Path(path)

    def save(data: bytes) -> None:
        if not path.parent.is_dir():
            raise StorageError(_("The folder for the PDF does not exist."))
        try:
            write_atomic(path, data)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageError(
                    _("The PDF was not saved: the disk is full. Nothing was recorded.")
                ) from None
            if exc.errno == errno.EFBIG:
                raise StorageError(
                    _(
                        "The PDF was not saved: the file is too large for this "
                        "disk. Nothing was recorded."
                    )
                ) from None
            raise StorageError(
                _("The PDF could not be saved there; nothing was recorded.")
            ) from None

    return save
