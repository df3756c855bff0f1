"""Encrypted backup of a data folder and its restore (see `create` and `restore`)."""

from idtool.backup.container import SUFFIX, BackupHeader
from idtool.backup.create import BackupResult, coordinator_known, create_backup, last_backup
from idtool.backup.reminder import backup_due
from idtool.backup.restore import RestoreResult, read_info, restore_backup

__all__ = [
    "SUFFIX",
    "BackupHeader",
    "BackupResult",
    "RestoreResult",
    "backup_due",
    "coordinator_known",
    "create_backup",
    "last_backup",
    "read_info",
    "restore_backup",
]
