"""The errors of backups and restores."""

from __future__ import annotations

from schemashift.errors import SchemashiftError


class BackupError(SchemashiftError):
    """A backup or restore that cannot be done (missing tool, wrong version, bad checksum...)."""
