"""File > Back up… and File > Restore…: the encrypted backup of the data folder (idtool.backup)."""
