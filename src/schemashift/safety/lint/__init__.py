"""``schemashift migrate lint``: rules over migration scripts, per database.

PostgreSQL scripts are parsed with Postgres' own parser (pglast), MySQL and SQLite scripts are
split and tokenised with the lexers schemashift applies them with. Rules have stable ids, default
levels (error/warning/off) that ``[tool.schemashift.lint]`` overrides, and can be silenced per
statement with ``-- schemashift:ignore RULE_ID reason``.
"""

from __future__ import annotations

from schemashift.safety.lint import engine, model  # noqa: F401  (registers the meta rules)
from schemashift.safety.lint import myrules, pgrules, runner  # noqa: F401  (registers the rules)
from schemashift.safety.lint.engine import LintConfig, lint_script
from schemashift.safety.lint.model import REGISTRY, Finding, Rule

REGISTRY.aliases["require-timeout-settings"] = ("require-lock-timeout", "require-statement-timeout")
REGISTRY.aliases["prefer-timestamp-tz"] = ("prefer-timestamptz",)

__all__ = ["REGISTRY", "Finding", "LintConfig", "Rule", "lint_script"]
