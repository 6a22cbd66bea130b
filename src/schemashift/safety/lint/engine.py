"""Running the rules over one script: levels, suppressions, findings in source order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from schemashift.safety.lint import model
from schemashift.settings import LARGE_TABLE_ROWS
from schemashift.safety.lint.model import REGISTRY, Finding
from schemashift.safety.lint.source import Script, Statement, load
from schemashift.safety.lint.suppress import Ignore, parse_ignores
from schemashift.safety.lint.tokens import Tok

if TYPE_CHECKING:
    from schemashift.safety.lint.sizes import TableStats

INVALID_IGNORE = model.rule(
    "invalid-ignore",
    "error",
    "This `schemashift:ignore` comment is incomplete: it names no known rule or gives no reason.",
    "Write `-- schemashift:ignore RULE_ID why it is safe here`; the reason is required so that "
    "reviewers see why the rule does not apply.",
    providers=model.ALL_PROVIDERS,
    squawk=("unused-ignore",),  # squawk 2.70 reports unknown rule names in its ignores as unused-ignore
)
UNUSED_IGNORE = model.rule(
    "unused-ignore",
    "warning",
    "This `schemashift:ignore` comment silences nothing: the rule does not fire on the statement.",
    "Remove the comment, or move it to the line before the statement it is meant for.",
    providers=model.ALL_PROVIDERS,
    squawk=("unused-ignore",),
)
SYNTAX_ERROR = model.rule(
    "syntax-error",
    "error",
    "The statement does not parse, so it cannot be checked (and will likely fail to apply).",
    "Fix the SQL; `schemashift migrate lint` checks statements with the database's own parser.",
    providers=("postgresql",),
)


@dataclass
class LintConfig:
    """Levels per rule id (overriding the defaults) and what the project configures."""

    levels: dict[str, str] = field(default_factory=dict)
    lock_timeout: bool = False  # [tool.schemashift] lock_timeout is set: applied on every connection
    statement_timeout: bool = False
    all_rules: bool = False  # every rule at least at "warning" (the squawk comparison uses it)
    #: live table sizes (``--stats-url``): one-shot forms on tables of at least
    #: ``large_table_rows`` rows are errors naming the online form (:mod:`.sizes`)
    stats: TableStats | None = None
    large_table_rows: int = LARGE_TABLE_ROWS

    def level(self, rule_id: str) -> str:
        if rule_id in self.levels:
            return self.levels[rule_id]
        default = REGISTRY.rules[rule_id].level
        if self.all_rules and default == "off":
            return "warning"
        return default


class TokenReport(Protocol):
    """``report(rule, token=None, message=None)`` on one statement: at the token, else on all of it."""

    def __call__(self, rule_id: str, t: Tok | None = None, message: str | None = None, /) -> None: ...


class Context:
    """What a rule module reports to; keeps raw reports, resolved by :func:`lint_script`."""

    def __init__(self, script: Script, config: LintConfig, in_transaction: bool) -> None:
        self.script = script
        self.config = config
        self.in_transaction = in_transaction
        self.reports: list[tuple[str, Statement, int | None, int | None, str | None]] = []
        self.history = History()
        #: statement index -> ("table" or "index", name): what the statement works on, for sizes
        self.targets: dict[int, tuple[str, str]] = {}

    def on_table(self, stmt: Statement, name: Any, kind: str = "table") -> None:
        """``stmt`` works on the table (or index) ``name``: its size may raise its findings."""
        if name:
            self.targets[stmt.index] = (kind, str(name))

    def table_rows(self, stmt: Statement) -> tuple[str, int] | None:
        """(table, rows) of the statement's table when live sizes say it is large."""
        stats = self.config.stats
        target = self.targets.get(stmt.index)
        if stats is None or target is None:
            return None
        kind, name = target
        table = stats.index_tables.get(name) if kind == "index" else name
        found = stats.table(table) if table is not None else None
        if found is None or found[1] < self.config.large_table_rows:
            return None
        return found

    def enabled(self, rule_id: str) -> bool:
        return self.config.level(rule_id) != "off"

    def report(
        self,
        rule_id: str,
        stmt: Statement,
        start: int | None = None,
        end: int | None = None,
        message: str | None = None,
    ) -> None:
        """``start``/``end``: offsets inside ``stmt.text`` of the offending part (default: all)."""
        self.reports.append((rule_id, stmt, start, end, message))

    def token_report(self, stmt: Statement) -> TokenReport:
        """:meth:`report` on ``stmt``, located by one of its tokens (the token-based checks)."""

        def report(rule_id: str, t: Tok | None = None, message: str | None = None) -> None:
            self.report(rule_id, stmt, t.start if t else None, (t.start + len(t.value)) if t else None, message)

        return report


@dataclass
class History:
    """What earlier migrations of the folder established, carried from one file to the next
    (e.g. a CHECK (col IS NOT NULL) validated in a previous migration makes SET NOT NULL cheap)."""

    # names come from parse trees, where any of them may be missing (None)
    check_columns: dict[Any, tuple[Any, Any]] = field(default_factory=dict)
    validated_not_null: set[tuple[Any, Any]] = field(default_factory=set)
    columns: dict[tuple[Any, Any], Any] = field(default_factory=dict)  # (table, column) -> type (per dialect)


def lint_script(
    path: str, sql: str, provider: str, config: LintConfig | None = None, history: History | None = None
) -> list[Finding]:
    """Lint one script. ``history``: shared by the files of one folder, linted in order."""
    from schemashift.dialects.scripts import RunMode

    config = config or LintConfig()
    script = load(path, sql, provider)
    fam = script.provider
    # the dialect's plan of the script: whether schemashift runs it in one transaction
    in_tx = script.plan is not None and script.plan.mode is RunMode.TRANSACTION
    ctx = Context(script, config, in_tx)
    ctx.history = history if history is not None else History()
    if fam == "postgresql":
        from schemashift.safety.lint import postgres

        postgres.check(ctx)
    elif fam == "mysql":
        from schemashift.safety.lint import mysql

        mysql.check(ctx)
    else:
        from schemashift.safety.lint import sqlite

        sqlite.check(ctx)
    return _resolve(ctx)


def _resolve(ctx: Context) -> list[Finding]:
    from schemashift.safety.lint.sizes import ONLINE_FORMS
    from schemashift.safety.lint.sizes import message as size_message

    script, config = ctx.script, ctx.config
    ignores = parse_ignores(script)
    by_stmt: dict[int, list[Ignore]] = {}
    findings: list[Finding] = []
    for ig in ignores:
        known = [n for n in ig.rules if REGISTRY.resolve(n)]
        if not ig.rules or not ig.reason or len(known) != len(ig.rules):
            why = (
                "no rule id" if not ig.rules
                else f"unknown rule `{next(n for n in ig.rules if not REGISTRY.resolve(n))}`"
                if len(known) != len(ig.rules)
                else "no reason"
            )
            findings.append(_comment_finding(script, INVALID_IGNORE, config, ig, f"{REGISTRY.rules[INVALID_IGNORE].message} ({why})"))
            continue
        by_stmt.setdefault(ig.statement, []).append(ig)
    seen: set[tuple[str, int, int]] = set()
    for rule_id, stmt, start, end, message in ctx.reports:
        level = config.level(rule_id)
        if level == "off":
            continue
        a = stmt.start + (start if start is not None else 0)
        b = stmt.start + (end if end is not None else len(stmt.text))
        key = (rule_id, stmt.index, a)
        if key in seen:
            continue
        seen.add(key)
        silenced = False
        for ig in by_stmt.get(stmt.index, ()):
            for name in ig.rules:
                if rule_id in REGISTRY.resolve(name):
                    ig.used.add(name)
                    silenced = True
        if silenced:
            continue
        rule = REGISTRY.rules[rule_id]
        (l1, c1), (l2, c2) = script.position(a), script.position(b)
        large = ctx.table_rows(stmt) if rule_id in ONLINE_FORMS else None
        if large is not None:  # a one-shot form on a big table: an error naming the online form
            level, message = "error", size_message(ONLINE_FORMS[rule_id], *large)
        findings.append(
            Finding(rule_id, level, script.path, l1, c1, l2, c2, message or rule.message, rule.help, stmt.index)
        )
    for igs in by_stmt.values():
        for ig in igs:
            unused = [n for n in ig.rules if n not in ig.used]
            if unused:
                findings.append(
                    _comment_finding(
                        script, UNUSED_IGNORE, config, ig,
                        f"`schemashift:ignore {', '.join(unused)}` silences nothing: the rule does not fire on "
                        "the statement it applies to.",
                    )
                )
    findings = [f for f in findings if f.level != "off"]
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return findings


def _comment_finding(script: Script, rule_id: str, config: LintConfig, ig: Ignore, message: str) -> Finding:
    rule = REGISTRY.rules[rule_id]
    (l1, c1), (l2, c2) = script.position(ig.comment.start), script.position(ig.comment.end)
    return Finding(rule_id, config.level(rule_id), script.path, l1, c1, l2, c2, message, rule.help, ig.statement)
