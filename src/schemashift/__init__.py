"""schemashift: Prisma-compatible, schema-first database migrations in Python.

The library API (:mod:`schemashift.api`, docs/api.md) is importable from here:
``from schemashift import deploy, status``. It is loaded on first use, so ``import schemashift``
and ``schemashift --help`` stay cheap.
"""

import logging
from typing import Any

__version__ = "0.1.0"

# the library logs, it never prints: without a handler of the application's, nothing is shown
logging.getLogger("schemashift").addHandler(logging.NullHandler())

_API = (
    "BackupInfo", "DatabaseUnreachable", "DeployResult", "DevResult", "DiagnosticInfo", "DiffResult",
    "DiffSource", "FailedMigration", "LintReport", "PlannedMigration", "PruneDecision", "PullResult",
    "PullWarning", "ResetResult", "StatusResult", "ValidateResult", "backup_create", "backup_list",
    "backup_prune", "deploy", "dev", "diff", "lint", "pull", "reset", "status", "validate",
)


def __getattr__(name: str) -> Any:
    if name in _API:
        from schemashift import api

        return getattr(api, name)
    raise AttributeError(f"module 'schemashift' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
