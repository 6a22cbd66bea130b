"""The project, read once for the whole fleet.

The schema is parsed and validated once, the migrations folder read once (scripts and checksums),
the settings loaded once; each target gets a :class:`MigrateProject` sharing all of it, which
differs only by its URL. Nothing here connects, except :meth:`FleetProject.end_state` (``fleet
check``: the shadow database, once per distinct applied history).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.online.contract import is_contract
from schemashift.config import Project, load_project, resolve_datasource, supported_provider
from schemashift.connectors.url import ConnectionUrl, parse_url
from schemashift.errors import SchemashiftError
from schemashift.migrations.folder import Migration
from schemashift.migrations.project import MigrateProject

if TYPE_CHECKING:
    from schemashift.dialects import Dialect
    from schemashift.dialects.scripts import ScriptPlan
    from schemashift.model import Schema
    from schemashift.psl.ast import SchemaAst

#: The cached properties of :class:`MigrateProject` that do not depend on the URL.
_SHARED = ("files", "parsed", "datasource", "target", "settings")


class FleetProject:
    """One project (schema, migrations folder, settings) deployed to many databases.

    ``sample_url`` (any target's URL) stands in for the datasource's URL when its environment
    variable is not set: a fleet's URLs come from the targets file, not from ``DATABASE_URL``.
    ``base_dir`` anchors relative SQLite paths of the targets (the targets file's folder)."""

    def __init__(self, project: Project, sample_url: str, base_dir: Path) -> None:
        self.project = project
        self.base_dir = base_dir
        base = MigrateProject(project, sample_url)
        files = base.files
        parsed = base.parsed
        sample = parse_url(sample_url.replace("{tenant}", "x"), base_dir)
        declared = _declared_provider(parsed[0])
        if declared is not None and supported_provider(declared, project.schema.display) != sample.provider:
            raise SchemashiftError(
                f"The targets are {sample.provider} databases, but the datasource of {project.schema.display} "
                f"is `{declared}`: a fleet deploys one schema's migrations to databases of its provider."
            )
        base.__dict__["datasource"] = resolve_datasource(
            files,
            parsed[0],
            env=_StandIn(os.environ, _url_variables(parsed[0]), sample_url),
            configured=project.url_setting("datasource.url", "url"),
            shadow_setting=project.url_setting("datasource.shadowDatabaseUrl", "shadow_url"),
        )
        base.validate()  # P1012 before any target is touched
        self.base = base
        self.local: list[Migration] = base.migrations()
        #: contract migrations (``-- schemashift:contract``): deploy stops before the first pending
        #: one unless ``--contract`` is given (see online/contract.py)
        self.contracts: frozenset[str] = frozenset(m.name for m in self.local if is_contract(m.sql))
        self._end_states: dict[tuple[str, ...], Schema] = {}
        self._end_state_lock = threading.Lock()
        #: each migration's plan (split, run mode), by dialect class and name: made once per run
        self._plans: dict[tuple[type[Dialect], str], ScriptPlan] = {}

    def planner(self, dialect: Dialect) -> Callable[[Migration], ScriptPlan]:
        """A migration's plan by ``dialect`` (its statements and run mode), split and classified
        once for the whole fleet, not once per target: a plan depends only on the script and the
        kind of database (not on a target's schema or server)."""
        kind, plans = type(dialect), self._plans

        def plan(m: Migration) -> ScriptPlan:
            key = (kind, m.name)
            found = plans.get(key)
            if found is None:  # two threads may plan the same script once each: same result
                found = plans[key] = dialect.plan_script(m.sql)
            return found

        return plan

    @property
    def provider(self) -> str:
        return self.base.provider

    @property
    def migrations_display(self) -> str:
        return self.base.migrations_display

    def parse(self, url: str) -> ConnectionUrl:
        return parse_url(url, self.base_dir)

    def for_target(self, url: str | ConnectionUrl) -> MigrateProject:
        """A project that differs from the base only by its URL (nothing is read again)."""
        parsed = url if isinstance(url, ConnectionUrl) else self.parse(url)
        mp = MigrateProject(self.project, parsed.redacted())
        for name in _SHARED:  # cached properties live in the instance's __dict__
            mp.__dict__[name] = getattr(self.base, name)
        mp.__dict__["url"] = parsed
        return mp

    def end_state(self, applied: tuple[str, ...], near: ConnectionUrl) -> Schema:
        """The schema the applied migrations ``applied`` produce from an empty database: replayed
        once per distinct history on a shadow database on ``near``'s server (or the configured
        ``shadowDatabaseUrl``), through the project's shadow cache."""
        with self._end_state_lock:  # one replay per history, the other threads wait for it
            if applied not in self._end_states:
                from schemashift.migrations.shadow import CACHE_DIR_NAME, ShadowCache, history_end_state

                by_name = {m.name: m for m in self.local}
                shadow = self.base.datasource.shadow_database_url
                self._end_states[applied] = history_end_state(
                    near,
                    [by_name[name] for name in applied],
                    shadow_url=parse_url(shadow, self.base.schema_dir) if shadow else None,
                    cache=ShadowCache(self.project.cwd / CACHE_DIR_NAME),
                    namespaces=self.base.namespaces,  # a multi-schema project: all its schemas
                    init_script=self.base.init_shadow_db,
                )
            return self._end_states[applied]


def open_fleet_project(schema: str | None, sample_url: str, base_dir: Path) -> FleetProject:
    return FleetProject(load_project(schema), sample_url, base_dir)


class _StandIn(Mapping[str, str]):
    """The environment, where the datasource's own URL variables (``url``, ``directUrl``) that are
    not set read as a target's URL."""

    def __init__(self, env: Mapping[str, str], names: set[str], sample: str) -> None:
        self.env, self.names, self.sample = env, names, sample

    def __getitem__(self, key: str) -> str:
        if key in self.env:
            return self.env[key]
        if key in self.names:
            return self.sample
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.env)

    def __len__(self) -> int:
        return len(self.env)


def _datasource_properties(schema: SchemaAst) -> dict[str, object]:
    from schemashift.psl import ast

    for file in schema.files:
        for top in file.tops:
            if isinstance(top, ast.SourceConfig):
                return {p.name.name: p.value for p in top.properties}
    return {}


def _url_variables(schema: SchemaAst) -> set[str]:
    """The variables of ``env("...")`` in the datasource's ``url`` and ``directUrl``."""
    from schemashift.psl import ast

    names = set()
    for key in ("url", "directUrl"):
        value = _datasource_properties(schema).get(key)
        if isinstance(value, ast.FunctionCall) and value.name == "env":
            args = value.arguments.arguments
            if len(args) == 1 and isinstance(args[0].value, ast.StringValue):
                names.add(args[0].value.value)
    return names


def _declared_provider(schema: SchemaAst) -> str | None:
    from schemashift.psl import ast

    value = _datasource_properties(schema).get("provider")
    return value.value if isinstance(value, ast.StringValue) else None


__all__ = ["FleetProject", "open_fleet_project"]
