"""Expected failures: each carries one clear, translated line for the officer.

Messages never contain personal data (names, answers): they may reach a terminal, a dialog or
a log. Unexpected failures are bugs and are handled elsewhere.
"""

from __future__ import annotations


class IdtoolError(Exception):
    """An expected failure with a message fit to show the officer."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class AuthenticationFailed(IdtoolError):
    """Wrong officer name or passphrase (never says which)."""

    exit_code = 2


class LockedOut(IdtoolError):
    """Too many failed attempts: wait before the next one."""

    exit_code = 3

    def __init__(self, message: str, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class NoDatabase(IdtoolError):
    exit_code = 4


class CorruptDatabase(IdtoolError):
    exit_code = 5


class NotPermitted(IdtoolError):
    exit_code = 6


class InvalidInput(IdtoolError):
    exit_code = 7


class StorageError(IdtoolError):
    """The disk refused a write (full, read-only, removed)."""

    exit_code = 8


class DatabaseBusy(StorageError):
    """Another task (a background export, import or PDF) held the database's write lock for
    longer than a write waits: nothing was written; trying again in a moment works."""


class BundleError(IdtoolError):
    """An exchange package (bundle) was refused or could not be made.

    `reason` is a short stable code (for example "bad_signature", "truncated") that callers and
    tests can branch on without matching the translated message.
    """

    exit_code = 9

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class BackupError(IdtoolError):
    """A backup could not be written, or a backup file was refused at restore (not a backup,
    damaged, cut short, cancelled). `reason` is a short stable code, as for BundleError."""

    exit_code = 10

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason
