"""The targets file: which databases a fleet command runs on.

A TOML file in one of four forms (exactly one of ``urls``, ``tenants``, ``query``, ``schemas``)::

    urls = ["postgresql://app@db1/app", { name = "eu", url = "postgresql://app@db2/app" }]

    url = "postgresql://app:${APP_PASSWORD}@db/{tenant}"      # one database per tenant
    tenants = ["acme", "globex"]

    url = "postgresql://app@db/control"                        # a query lists them: each row's
    query = "SELECT schema_name FROM tenants WHERE active"     # first column is a URL or a name

    url = "postgresql://app@db/app"                            # every schema (PostgreSQL) or
    schemas = "tenant_%"                                       # database (MySQL) LIKE the pattern

A name (from ``query`` or ``schemas``) becomes ``url`` with ``{tenant}`` replaced by it when ``url``
has that placeholder, else ``url`` addressing that namespace: ``?schema=NAME`` on PostgreSQL, the
database ``NAME`` on MySQL. ``query`` runs on ``query_url`` when given (it cannot hold ``{tenant}``),
else on ``url``.

Secrets stay out of the file: a value ``env("VAR")`` is the variable's value, and ``${VAR}`` inside
a string is replaced by it (a missing variable is an error naming it). Targets are produced one at a
time (:meth:`TargetSource.targets`); only the listing query's rows (names and URLs, checked
before the first target is handed out) are held, never connections or per-target state.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from schemashift.connectors.url import ConnectionUrl, parse_url
from schemashift.errors import SchemashiftError, read_text, redact

PLACEHOLDER = "{tenant}"
FORMS = ("urls", "tenants", "query", "schemas")
_KEYS = {"urls": {"urls"}, "tenants": {"url", "tenants"}, "query": {"url", "query", "query_url"}, "schemas": {"url", "schemas"}}
_ENV_CALL = re.compile(r'\Aenv\(\s*"([^"]+)"\s*\)\Z')
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Lists every schema (PostgreSQL: of the connected database) or database (MySQL) LIKE a pattern:
#: information_schema.schemata means one or the other on each server.
_SCHEMATA_SQL = "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s ORDER BY schema_name"


class TargetsFileError(SchemashiftError):
    """The targets file is missing, not TOML, or has a wrong or missing key."""


@dataclass(frozen=True, slots=True)
class Target:
    """One database of the fleet: ``index`` (0-based, in the file's order), a display ``name``
    (the tenant, schema or a redacted URL: safe to print) and its ``url`` (may hold a password:
    never print it, use :attr:`shown_url`)."""

    index: int
    name: str
    url: str

    @property
    def shown_url(self) -> str:
        return redact(self.url)


def short_name(url: ConnectionUrl) -> str:
    """``host:port/database`` (+ ``?schema=s`` outside ``public``): a target's name when the file
    gives none. No user, no password."""
    if url.path is not None:
        return str(url.path)
    schema = f"?schema={url.schema}" if url.schema not in (None, "public") else ""
    return f"{url.host}:{url.port}/{url.database}{schema}"


@dataclass(frozen=True)
class TargetSource:
    """A parsed targets file: ``form`` (one of :data:`FORMS`) and what it needs."""

    path: Path
    form: str
    urls: tuple[tuple[str | None, str], ...] = ()  # (name or None, url) of the ``urls`` form
    url: str = ""
    tenants: tuple[str, ...] = ()
    query: str = ""
    query_url: str = ""
    pattern: str = ""

    @property
    def listing_url(self) -> str:
        """The URL the listing (``query``/``schemas``) runs on; "" for the literal forms."""
        if self.form == "query":
            return self.query_url or self.url
        return self.url if self.form == "schemas" else ""

    def targets(self) -> Iterator[Target]:
        """The targets, in order, one at a time."""
        if self.form == "urls":
            for i, (name, url) in enumerate(self.urls):
                yield Target(i, name or short_name(self._parse(url, f"urls[{i}]")), url)
        elif self.form == "tenants":
            for i, tenant in enumerate(self.tenants):
                yield Target(i, tenant, self.url.replace(PLACEHOLDER, quote(tenant, safe="")))
        else:  # the listing is checked whole before the first target: its errors stop the command at once
            listed = [self._listed(i, value) for i, value in enumerate(self._listing())]
            yield from listed

    def _listed(self, i: int, value: str) -> Target:
        if "://" in value or value.startswith(("file:", "sqlite:")):
            return Target(i, short_name(self._parse(value, f"row {i + 1} of the query")), value)
        return Target(i, value, namespace_url(self.url, value))

    def _listing(self) -> Iterator[str]:
        from schemashift.connectors import connect

        where = f"`{self.form}` of {self.path}"
        url = self._parse(self.listing_url, "query_url" if self.form == "query" and self.query_url else "url")
        with connect(url) as conn:
            rows = conn.query(self.query) if self.form == "query" else conn.query(_SCHEMATA_SQL, (self.pattern,))
        for n, row in enumerate(rows, 1):
            value = row[0] if row else None
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if not isinstance(value, str) or not value.strip():
                raise TargetsFileError(f"Row {n} of the {where} has no URL or name in its first column (got {value!r}).")
            yield value.strip()

    def _parse(self, url: str, key: str) -> ConnectionUrl:
        try:
            return parse_url(url, self.path.parent)
        except SchemashiftError as exc:
            raise TargetsFileError(f"{self.path}: `{key}` is not a valid database URL: {exc.message}") from None


def namespace_url(url: str, name: str) -> str:
    """``url`` addressing the namespace ``name``: ``{tenant}`` replaced when ``url`` has it, else
    ``?schema=name`` where the URL addresses schemas (PostgreSQL), else the database ``name``."""
    if PLACEHOLDER in url:
        return url.replace(PLACEHOLDER, quote(name, safe=""))
    parts = urlsplit(url)
    parsed = parse_url(url)
    if parsed.path is not None:  # a file: no namespace to switch to
        raise TargetsFileError(f"The name `{name}` cannot address a SQLite file: write `{PLACEHOLDER}` in `url` where it goes.")
    if parsed.schema is not None:
        params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
        params.append(("schema", name))
        return urlunsplit(parts._replace(query=urlencode(params, safe="/:", quote_via=quote)))
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def load_targets(path: Path | str, env: Mapping[str, str] | None = None) -> TargetSource:
    """Read and check the targets file (everything but the listing query, which runs when the
    targets are iterated). Errors name the file and the key."""
    path = Path(path)
    env = os.environ if env is None else env
    if not path.is_file():
        raise TargetsFileError(f"The targets file {path} does not exist (--targets).")
    try:
        data = tomllib.loads(read_text(path, "the targets file "))
    except tomllib.TOMLDecodeError as exc:
        raise TargetsFileError(f"The targets file {path} is not valid TOML: {exc}.") from None
    forms = [f for f in FORMS if f in data]
    if len(forms) != 1:
        found = f" (found {', '.join(f'`{f}`' for f in forms)})" if forms else ""
        raise TargetsFileError(
            f"The targets file {path} must have exactly one of `urls`, `tenants`, `query`, `schemas`{found}."
        )
    form = forms[0]
    unknown = sorted(set(data) - _KEYS[form])
    if unknown:
        raise TargetsFileError(
            f"{path}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(f'`{k}`' for k in unknown)} "
            f"(the `{form}` form takes {', '.join(f'`{k}`' for k in sorted(_KEYS[form]))})."
        )
    reader = _Reader(path, env)
    if form == "urls":
        return TargetSource(path, form, urls=reader.urls(data["urls"]))
    url = reader.url(data, "url")
    if form == "tenants":
        tenants = reader.string_list(data["tenants"], "tenants")
        if PLACEHOLDER not in url:
            raise TargetsFileError(f"{path}: `url` must contain `{PLACEHOLDER}`, where each tenant's name goes.")
        return TargetSource(path, form, url=url, tenants=tenants)
    if form == "query":
        query = reader.string(data["query"], "query")
        query_url = reader.url(data, "query_url") if "query_url" in data else ""
        if not query_url and PLACEHOLDER in url:
            raise TargetsFileError(
                f"{path}: the query cannot run on `url`, which contains `{PLACEHOLDER}`: give it `query_url`."
            )
        if query_url and PLACEHOLDER in query_url:
            raise TargetsFileError(f"{path}: `query_url` cannot contain `{PLACEHOLDER}`.")
        return TargetSource(path, form, url=url, query=query, query_url=query_url)
    pattern = reader.string(data["schemas"], "schemas")
    if PLACEHOLDER in url:
        raise TargetsFileError(f"{path}: with `schemas`, `url` is the database listed: it cannot contain `{PLACEHOLDER}`.")
    return TargetSource(path, form, url=url, pattern=pattern)


class _Reader:
    """Type checks and ``env(...)`` / ``${VAR}`` expansion, with errors naming file and key."""

    def __init__(self, path: Path, env: Mapping[str, str]) -> None:
        self.path, self.env = path, env

    def error(self, key: str, what: str) -> TargetsFileError:
        return TargetsFileError(f"{self.path}: `{key}` {what}.")

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value.strip()

    def string_list(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list of strings")
        items = tuple(self.string(v, f"{key}[{i}]") for i, v in enumerate(value))
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item in seen:
                raise self.error(f"{key}[{i}]", f"repeats `{item}`")
            seen.add(item)
        return items

    def url(self, data: Mapping[str, Any], key: str) -> str:
        if key not in data:
            raise self.error(key, "is missing: it is the database URL")
        url = self.expand(self.string(data[key], key), key)
        try:
            parse_url(url.replace(PLACEHOLDER, "x"), self.path.parent)
        except SchemashiftError as exc:
            raise self.error(key, f"is not a valid database URL: {exc.message}") from None
        return url

    def urls(self, value: Any) -> tuple[tuple[str | None, str], ...]:
        if not isinstance(value, list) or not value:
            raise self.error("urls", 'must be a non-empty list of URLs or { name = "...", url = "..." } tables')
        out: list[tuple[str | None, str]] = []
        names: set[str] = set()
        for i, item in enumerate(value):
            key = f"urls[{i}]"
            if isinstance(item, dict):
                extra = sorted(set(item) - {"name", "url"})
                if extra:
                    raise self.error(key, f"has unknown key(s) {', '.join(extra)} (a target takes `name` and `url`)")
                name = self.string(item.get("name"), f"{key}.name") if "name" in item else None
                url = self.url(item, "url") if "url" in item else None
                if url is None:
                    raise self.error(f"{key}.url", "is missing")
            else:
                name, url = None, self.url({key: item}, key)
            if PLACEHOLDER in url:
                raise self.error(key, f"contains `{PLACEHOLDER}`, which only the `tenants` form fills")
            if name is not None:
                if name in names:
                    raise self.error(f"{key}.name", f"repeats `{name}`")
                names.add(name)
            out.append((name, url))
        return tuple(out)

    def expand(self, value: str, key: str) -> str:
        whole = _ENV_CALL.match(value)
        if whole:
            return self.variable(whole.group(1), key)
        return _ENV_REF.sub(lambda m: self.variable(m.group(1), key), value)

    def variable(self, name: str, key: str) -> str:
        value = self.env.get(name)
        if value is None:
            raise self.error(key, f"uses the environment variable `{name}`, which is not set")
        return value
