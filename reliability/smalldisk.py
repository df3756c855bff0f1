"""Small real filesystems for the full-disk checks: a vfat or ext2 image on a loop device, or a
tmpfs, mounted (as root) in a work folder and filled to leave an exact amount of free space."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path


def _sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


class SmallDisk:
    """A small filesystem mounted at a folder of `root`: vfat or ext2 image on a loop device,
    or tmpfs. Use as a context manager; `leave_free` then fills it up."""

    counter = 0

    def __init__(self, root: Path, kind: str, size: int) -> None:
        SmallDisk.counter += 1
        self.kind = kind
        self.size = (size + 65535) // 65536 * 65536
        self.mount = root / f"mnt-{SmallDisk.counter}"
        self.image = root / f"disk-{SmallDisk.counter}.img"
        self.mounted = False

    def __enter__(self) -> SmallDisk:
        self.mount.mkdir(parents=True)
        try:
            if self.kind == "tmpfs":
                _sh(
                    "mount",
                    "-t",
                    "tmpfs",
                    "-o",
                    f"size={self.size},mode=0700",
                    "tmpfs",
                    str(self.mount),
                )
            else:
                with self.image.open("wb") as f:
                    f.truncate(self.size)
                if self.kind == "vfat":
                    _sh("mkfs.vfat", "-S", "512", "-s", "1", str(self.image))
                else:
                    _sh(
                        "mkfs.ext2",
                        "-q",
                        "-F",
                        "-m",
                        "0",
                        "-b",
                        "1024",
                        "-N",
                        "32",
                        str(self.image),
                    )
                _sh("mount", "-o", "loop", "-t", self.kind, str(self.image), str(self.mount))
            self.mounted = True
        except BaseException:
            self.__exit__()
            raise
        return self

    def leave_free(self, free: int, folder: Path) -> int:
        """Write a filler file until `free` bytes, rounded down to a block, are left; returns
        what is left."""
        filler = folder / ".filler"
        with filler.open("ab") as f:
            for _ in range(12):
                st = os.statvfs(self.mount)
                block, avail = st.f_frsize, st.f_bavail * st.f_frsize
                if free - block < avail <= free:
                    break
                if avail > free:
                    with contextlib.suppress(OSError):
                        f.write(bytes(avail - free))
                        f.flush()
                else:  # overshot (the filler's own indirect blocks): give back whole blocks
                    f.flush()
                    size = os.fstat(f.fileno()).st_size
                    f.truncate(max(0, size - (free - avail) // block * block))
                os.fsync(f.fileno())
        st = os.statvfs(self.mount)
        return st.f_bavail * st.f_frsize

    def __exit__(self, *exc: object) -> None:
        try:
            if self.mounted:
                try:
                    _sh("umount", str(self.mount))
                except subprocess.CalledProcessError:
                    _sh("umount", "-l", str(self.mount))
                self.mounted = False
        finally:
            with contextlib.suppress(OSError):
                self.mount.rmdir()
            with contextlib.suppress(OSError):
                self.image.unlink()


def mount_methods(root: Path) -> tuple[list[str], str]:
    """The filesystems that can be mounted here, and a note on those that cannot."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        return [], "not root or no mount: RLIMIT_FSIZE only"
    methods, notes = [], []
    for kind in ("vfat", "ext2", "tmpfs"):
        if kind != "tmpfs" and shutil.which(f"mkfs.{kind}") is None:
            notes.append(f"{kind}: no mkfs.{kind}")
            continue
        try:
            with SmallDisk(root, kind, 512 * 1024):
                pass
            methods.append(kind)
        except (OSError, subprocess.SubprocessError) as exc:
            said = (
                exc.stderr.decode(errors="replace")
                if isinstance(exc, subprocess.CalledProcessError) and exc.stderr
                else str(exc)
            )
            reason = (
                "the kernel lacks it"
                if "unknown filesystem type" in said
                else said.strip().splitlines()[0][-60:]
                if said.strip()
                else type(exc).__name__
            )
            notes.append(f"{kind} cannot be mounted: {reason}")
    return methods, "; ".join(notes)
