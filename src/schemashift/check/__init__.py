"""``schemashift check``: the guide's pre-deployment checklist as one command with an exit code.

``checks.py`` holds the checks (schema valid, lock file, migrations committed, migrations in sync
with the schema, lint, pending migrations and drift on the target, a recent backup), ``model.py``
their results and the exit code, ``output.py`` the text, JSON and GitHub renderings.
"""

from schemashift.check.checks import CHECKS, CheckOptions, run_checks
from schemashift.check.model import Annotation, CheckResult, Report

__all__ = ["CHECKS", "Annotation", "CheckOptions", "CheckResult", "Report", "run_checks"]
