"""Where the project's schema is, reading it, ``.env`` files and the datasource URL.

Schema lookup, first match wins:

1. the ``--schema`` option (a file, or a folder of ``.prisma`` files);
2. ``[tool.schemashift] schema = "..."`` in ``pyproject.toml`` of the current directory;
3. ``prisma/schema.prisma``, then the ``prisma/schema/`` folder (multi-file), then ``schema.prisma``.

``.env`` files are read from the current directory and from the schema's directory; variables
already set in the environment win. A Prisma 7 project (``prisma.config.ts``) reads only the
``.env`` its configuration loads (``import "dotenv/config"``), as Prisma 7 does. Datasource URLs are resolved with Prisma's rules and messages
(``env("VAR")``, non-empty, protocol per provider). Never print a URL without
:func:`schemashift.errors.redact`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from schemashift.diagnostics import Diagnostic, Span
from schemashift.errors import (
    NoDatasourceError,
    SchemaNotFoundError,
    SchemaReadError,
    SchemashiftError,
    SchemaValidationError,
    UnsupportedProviderError,
    describe_file_problem,
)

if TYPE_CHECKING:
    from schemashift.diff.external import ExternalObjects
    from schemashift.prisma_config import PrismaConfig
    from schemashift.psl import ast

DEFAULT_SCHEMA_FILE = "prisma/schema.prisma"
DEFAULT_SCHEMA_FOLDER = "prisma/schema"
ROOT_SCHEMA_FILE = "schema.prisma"
DEFAULT_LOCATIONS = (DEFAULT_SCHEMA_FILE, DEFAULT_SCHEMA_FOLDER, ROOT_SCHEMA_FILE)

PROVIDER_ALIASES = {"postgres": "postgresql"}
_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "sqlite": ("file:",),
    "postgresql": ("postgresql://", "postgres://"),
    "mysql": ("mysql://",),
    "cockroachdb": ("postgresql://", "postgres://"),  # CockroachDB speaks PostgreSQL's protocol
}
#: The datasource providers schemashift has a dialect and a connector for.
SUPPORTED_PROVIDERS = tuple(_PROTOCOLS)


def supported_provider(provider: str, where: str | None = None) -> str:
    """``provider`` normalised (``postgres`` -> ``postgresql``); a provider schemashift has no
    dialect for (cockroachdb, sqlserver, mongodb...) is an :class:`UnsupportedProviderError`
    naming ``where`` (the schema file)."""
    provider = PROVIDER_ALIASES.get(provider, provider)
    if provider not in SUPPORTED_PROVIDERS:
        raise UnsupportedProviderError(provider, SUPPORTED_PROVIDERS, where)
    return provider


# ---------------------------------------------------------------- schema location


@dataclass(frozen=True)
class SchemaLocation:
    """A schema file, or a folder whose ``.prisma`` files (recursively) form one schema."""

    path: Path  # absolute
    display: str  # as shown to the user: relative to the current directory when possible
    is_folder: bool

    @property
    def directory(self) -> Path:
        """The folder of the schema file, or the schema folder itself."""
        return self.path if self.is_folder else self.path.parent

    def files(self) -> list[Path]:
        if not self.is_folder:
            return [self.path]
        return sorted(p for p in self.path.rglob("*.prisma") if p.is_file())


def _display(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)


def _location(path: Path, cwd: Path) -> SchemaLocation:
    absolute = path if path.is_absolute() else cwd / path
    return SchemaLocation(absolute, _display(absolute, cwd), absolute.is_dir())


#: Every key of ``[tool.schemashift]`` and what it is for: the one list of them. A key missing
#: here is reported as unknown (a typo such as ``lock_timout`` would otherwise be ignored silently).
TOOL_KEYS: dict[str, str] = {
    "schema": "where the schema is (config.find_schema)",
    "migrations": "the migrations folder (Project.migrations_dir)",
    "url": "the datasource URL (Project.url_setting)",
    "shadow_url": "the shadow database URL (Project.url_setting)",
    "seed": "the seed command (seed.py)",
    "lock_timeout": "PostgreSQL/MySQL lock timeout of migration connections (settings.py)",
    "statement_timeout": "longest statement of a migration (settings.py)",
    "migration_lock_timeout": "how long deploy/dev wait for the migration lock (settings.py)",
    "production_hosts": "host patterns of the production guard (settings.py)",
    "keep_labelled_days": "backup prune: age of labelled backups to delete (settings.py)",
    "online": "migrate dev writes lock-safe SQL, as with --online (online/plan.py)",
    "stats_url": "the database whose table sizes decide --online forms (online/plan.py)",
    "online_lock_timeout": "lock_timeout written before strong locks by --online (online/plan.py)",
    "lint": "[tool.schemashift.lint]: migrate lint rule levels (safety/lint/runner.py)",
    "large_table_rows": "migrate lint --stats-url: tables this big get errors naming the online form (settings.py)",
}


def _print_warning(message: str) -> None:
    """A warning on the ``schemashift.config`` logger: the CLI shows it on stderr (not with -q),
    the library API never prints it (the application's logging decides)."""
    import logging

    logging.getLogger("schemashift.config").warning("%s", message)


#: Where configuration warnings go (the ``schemashift.config`` logger; a library caller may replace it).
warning_sink: Callable[[str], None] = _print_warning
_WARNED: set[tuple[Path, tuple[str, ...]]] = set()


def _warn_unknown_keys(table: Mapping[str, object], pyproject: Path, cwd: Path) -> None:
    """Once per process and file: the keys of ``[tool.schemashift]`` that nothing reads."""
    unknown = tuple(sorted(k for k in table if k not in TOOL_KEYS))
    if not unknown or (pyproject, unknown) in _WARNED:
        return
    _WARNED.add((pyproject, unknown))
    import difflib

    named = []
    for key in unknown:
        close = difflib.get_close_matches(key, TOOL_KEYS, n=1)
        named.append(f"`{key}`" + (f" (did you mean `{close[0]}`?)" if close else ""))
    warning_sink(
        f"Warning: unknown key{'s' if len(unknown) > 1 else ''} in [tool.schemashift] of "
        f"{_display(pyproject, cwd)}, ignored: {', '.join(named)}. Known keys: {', '.join(TOOL_KEYS)}."
    )


def tool_settings(cwd: Path) -> dict[str, object]:
    """``[tool.schemashift]`` of ``cwd/pyproject.toml`` ({} without one): the one reader of it,
    for the schema path, the settings and the seed command. A file that is not UTF-8 or not TOML
    is a clear error naming it, never a crash; keys not in :data:`TOOL_KEYS` get a warning."""
    import tomllib

    pyproject = cwd / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    from schemashift.errors import read_text

    try:
        data = tomllib.loads(read_text(pyproject))  # not UTF-8, unreadable: an error naming the file
    except tomllib.TOMLDecodeError as exc:
        raise SchemashiftError(f"Could not read {_display(pyproject, cwd)}: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("schemashift", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise SchemashiftError(f"`[tool.schemashift]` in {_display(pyproject, cwd)} must be a table.")
    _warn_unknown_keys(table, pyproject, cwd)
    return table


def pyproject_schema(cwd: Path) -> str | None:
    """``[tool.schemashift] schema`` from ``cwd/pyproject.toml``, if set."""
    data = {"tool": {"schemashift": tool_settings(cwd)}}
    value = data.get("tool", {}).get("schemashift", {}).get("schema")
    if value is not None and not isinstance(value, str):
        raise SchemashiftError("`[tool.schemashift] schema` in pyproject.toml must be a string (a path).")
    return value


def find_schema(
    explicit: str | None = None, cwd: Path | None = None, prisma_config: "PrismaConfig | None" = None
) -> SchemaLocation:
    """``--schema`` > ``schema`` of ``prisma.config.ts`` > ``[tool.schemashift] schema`` > the defaults."""
    cwd = (cwd or Path.cwd()).resolve()
    configured = explicit
    if configured is None and prisma_config is not None and (
        prisma_config.readable("schema") or pyproject_schema(cwd) is None
    ):
        from_config = prisma_config.path_of("schema")  # unreadable and not in pyproject.toml: the error
        if from_config is not None:
            location = _location(from_config, cwd)
            if not location.path.exists():
                raise SchemashiftError(
                    f"Could not load the schema `{location.display}` named by `schema` in "
                    f"{prisma_config.origin('schema')}: file or directory not found"
                )
            return location
    if configured is None:
        configured = pyproject_schema(cwd)
    if configured is not None:
        location = _location(Path(configured), cwd)
        if not location.path.exists():
            raise SchemaNotFoundError([configured], explicit=configured)
        return location
    for candidate in DEFAULT_LOCATIONS:
        location = _location(Path(candidate), cwd)
        if location.path.is_file() or (location.is_folder and location.files()):
            return location
    raise SchemaNotFoundError(DEFAULT_LOCATIONS)


def read_schema(location: SchemaLocation, cwd: Path | None = None) -> list[tuple[str, str]]:
    """``[(display path, text), ...]``; a folder without ``.prisma`` files is an error."""
    cwd = (cwd or Path.cwd()).resolve()
    paths = location.files()
    if not paths:
        raise SchemaNotFoundError([location.display], location.display, "the folder has no .prisma files")
    out = []
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaReadError(path, describe_file_problem(exc)) from None
        out.append((_display(path, cwd), text))
    return out


def _env_files(location: SchemaLocation | None, cwd: Path, env: Mapping[str, str]) -> list[Path]:
    """The ``.env`` files the project's Prisma reads, in order (found, not read).

    A Prisma 7 project (a ``prisma.config.ts`` in the current directory): only what the
    configuration loads, as Prisma 7 loads no ``.env`` itself (:func:`_config_env_files`).
    Otherwise Prisma 6's rule: ``.env`` of the current directory, then of the schema's folder."""
    from schemashift.prisma_config import find_config

    config = find_config(cwd)
    if config is not None:
        return _config_env_files(config, cwd, env)
    candidates = [cwd / ".env"]
    if location is not None:
        candidates.append(location.directory / ".env")
    found: list[Path] = []
    for env_file in candidates:
        if env_file.is_file() and env_file.resolve() not in found:
            found.append(env_file.resolve())
    return found


def _config_env_files(config: "PrismaConfig", cwd: Path, env: Mapping[str, str]) -> list[Path]:
    """The ``.env`` a Prisma 7 configuration loads: with ``import "dotenv/config"`` (or
    ``dotenv.config()``), dotenv's file, ``$DOTENV_CONFIG_PATH`` or ``.env`` of the current
    directory; nothing without it (the file is then not read)."""
    if not config.loads_dotenv:
        return []
    env_file = Path(env.get("DOTENV_CONFIG_PATH") or cwd / ".env")
    if not env_file.is_absolute():
        env_file = cwd / env_file
    return [env_file.resolve()] if env_file.is_file() else []


def _load_into_environ(files: list[Path]) -> list[Path]:
    for env_file in files:
        from dotenv import load_dotenv  # only with a .env file: it imports tempfile, shutil, lzma...

        load_dotenv(env_file, override=False)
    return files


def load_env(location: SchemaLocation | None, cwd: Path | None = None) -> list[Path]:
    """Load the ``.env`` files of :func:`_env_files` into ``os.environ`` (variables already set
    win); return the files read. The command line's behaviour, as Prisma's: the seed and
    generators it starts see the variables. The library API uses :func:`read_env`."""
    return _load_into_environ(_env_files(location, (cwd or Path.cwd()).resolve(), os.environ))


def load_config_env(config: "PrismaConfig", cwd: Path) -> list[Path]:
    """Load the ``.env`` a Prisma 7 configuration loads into ``os.environ`` (variables already set win)."""
    return _load_into_environ(_config_env_files(config, cwd, os.environ))


def read_env(
    location: SchemaLocation | None, base: Mapping[str, str], cwd: Path | None = None
) -> tuple[list[Path], dict[str, str]]:
    """What :func:`load_env` would make of ``base`` (the environment), returned instead of set:
    ``(files read, base + their variables)``, ``base``'s values winning; ``os.environ`` is untouched."""
    merged = dict(base)
    files = _env_files(location, (cwd or Path.cwd()).resolve(), base)
    for env_file in files:
        from dotenv import dotenv_values

        for key, value in dotenv_values(env_file).items():
            if value is not None and key not in merged:
                merged[key] = value
    return files, merged


# ---------------------------------------------------------------- datasource


@dataclass(frozen=True)
class UrlSetting:
    """A connection URL given outside the schema (``prisma.config.ts``, ``[tool.schemashift] url``,
    ``DATABASE_URL``): its value (None when its environment variable is not set), the variable
    it came from, where it was written (for messages) and the folder relative SQLite paths start from."""

    value: str | None
    env_var: str | None
    origin: str
    base_dir: Path


class MissingUrlError(SchemashiftError):
    """No connection URL anywhere (a Prisma 7 schema without ``url``, and nothing configured)."""


@dataclass(frozen=True)
class Datasource:
    name: str
    provider: str  # normalised: "postgresql", "mysql", "sqlite", ...
    url: str
    url_env_var: str | None  # the variable of env("...") when the url came from one
    direct_url: str | None
    shadow_database_url: str | None
    file_name: str  # the schema file holding the block (display path)
    base_dir: Path | None = None  # where a relative SQLite path starts (None: the schema's folder)

    @property
    def migration_url(self) -> str:
        """The URL Prisma Migrate connects with: ``directUrl`` when set, else ``url``."""
        return self.direct_url or self.url


def _find_datasource(schema: "ast.SchemaAst") -> tuple["ast.SourceConfig", int] | None:
    from schemashift.psl import ast

    for file in schema.files:
        for top in file.tops:
            if isinstance(top, ast.SourceConfig):
                return top, file.file_id
    return None


def _property(block: "ast.SourceConfig", name: str) -> "ast.ConfigBlockProperty | None":
    return next((p for p in block.properties if p.name.name == name), None)


class _UrlProblem(Exception):
    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


def _string_or_env(prop: "ast.ConfigBlockProperty", env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """``(value, env var name)``; value is None when the variable is not set."""
    from schemashift.psl import ast

    value = prop.value
    if isinstance(value, ast.StringValue):
        return value.value, None
    if isinstance(value, ast.FunctionCall) and value.name == "env":
        args = value.arguments.arguments
        if len(args) == 1 and isinstance(args[0].value, ast.StringValue):
            var = args[0].value.value
            return env.get(var), var
    span = value.span if value is not None else prop.span
    raise _UrlProblem(f'The "{prop.name.name}" property must be a string or an env("...") call.', span)


def _check_url(ds_name: str, provider: str, what: str, url: str, var: str | None, span: Span) -> None:
    if not url.strip():
        extra = f". The environment variable `{var}` resolved to an empty string." if var else ""
        raise _UrlProblem(f"Error validating datasource `{ds_name}`: You must provide a nonempty URL{extra}", span)
    protocols = _PROTOCOLS.get(provider)
    if protocols and not url.startswith(protocols):
        wanted = " or ".join(f"`{p}`" for p in protocols)
        raise _UrlProblem(f"Error validating datasource `{ds_name}`: {what} must start with the protocol {wanted}.", span)


def resolve_datasource(
    files: Sequence[tuple[str, str]],
    schema: "ast.SchemaAst | None" = None,
    env: Mapping[str, str] | None = None,
    configured: UrlSetting | None = None,
    shadow_setting: UrlSetting | None = None,
    url_flag: UrlSetting | None = None,
) -> Datasource:
    """The first datasource with its URLs resolved; Prisma's errors as a :class:`SchemaValidationError`,
    a provider schemashift does not support as an :class:`UnsupportedProviderError`.

    The URL, first found wins: ``configured`` (``prisma.config.ts`` or ``[tool.schemashift] url``,
    see :meth:`Project.url_setting`), the schema's ``url``, the ``DATABASE_URL`` variable (only for a
    schema without ``url``, Prisma 7's layout); none at all is a :class:`MissingUrlError`. A URL from
    outside the schema comes with ``shadow_setting`` (the config's ``shadowDatabaseUrl``), never
    with the schema's ``directUrl``/``shadowDatabaseUrl``. ``url_flag`` (``--url``, which the caller
    connects with anyway) stands in for ``DATABASE_URL`` when nothing else gives a URL."""
    if schema is None:
        from schemashift.psl import parse_files

        schema, _ = parse_files(files)
    env = os.environ if env is None else env
    found = _find_datasource(schema)
    if found is None:
        raise NoDatasourceError(", ".join(name for name, _ in files))
    block, file_id = found
    name = block.name.name
    file_name = files[file_id][0] if file_id < len(files) else files[0][0]
    provider_prop = _property(block, "provider")
    raw_provider = ""
    if provider_prop is not None and provider_prop.value is not None:
        raw_provider = str(getattr(provider_prop.value, "value", ""))
    provider = supported_provider(raw_provider, file_name) if raw_provider else ""
    try:
        if not provider:
            raise _UrlProblem(f'Argument "provider" is missing in data source block "{name}".', block.span)
        url_prop = _property(block, "url")
        if configured is not None or url_prop is None:
            setting = configured or url_flag or _database_url(env, name, file_name)
            configured_url = _setting_url(name, provider, "the URL", setting) or ""  # never empty: checked
            if shadow_setting is not None and not (shadow_setting.value or "").strip():
                shadow_setting = None  # undefined or empty: no shadow database URL, as in Prisma
            shadow_url = _setting_url(name, provider, "the shadow database URL", shadow_setting)
            return Datasource(
                name=name,
                provider=provider,
                url=configured_url,
                url_env_var=setting.env_var,
                direct_url=None,
                shadow_database_url=shadow_url or None,
                file_name=file_name,
                base_dir=setting.base_dir,
            )
        url, var = _string_or_env(url_prop, env)
        url_span = url_prop.value.span if url_prop.value is not None else url_prop.span
        if url is None and url_flag is not None and url_flag.value:
            url = url_flag.value  # `--url` (or the API's url=) stands in for an unset variable
        if url is None:
            raise _UrlProblem(f"Environment variable not found: {var}.", url_span)
        _check_url(name, provider, "the URL", url, var, url_span)
        direct = _optional_url(block, "directUrl", env, required_env=True)
        shadow = _optional_url(block, "shadowDatabaseUrl", env, required_env=False)
        if shadow is not None:
            shadow_url, shadow_span = shadow
            _check_url(name, provider, "the shadow database URL", shadow_url, None, shadow_span)
    except _UrlProblem as problem:
        diag = Diagnostic("error", problem.message, Span(problem.span.start, problem.span.end, file_id))
        raise SchemaValidationError(files, [diag]) from None
    return Datasource(
        name=name,
        provider=provider,
        url=url,
        url_env_var=var,
        direct_url=direct[0] if direct else None,
        shadow_database_url=shadow[0] if shadow else None,
        file_name=file_name,
    )


def _database_url(env: Mapping[str, str], ds_name: str, file_name: str) -> UrlSetting:
    """The last resort for a schema without ``url`` (Prisma 7): the ``DATABASE_URL`` variable."""
    if not env.get("DATABASE_URL", "").strip():
        raise MissingUrlError(
            f"The datasource `{ds_name}` in {file_name} has no `url` (a Prisma 7 schema), and no connection URL "
            "is configured. Give one with `--url`, `datasource: { url: env(\"DATABASE_URL\") }` in "
            "prisma.config.ts, `url = \"...\"` under `[tool.schemashift]` in pyproject.toml, or the "
            "DATABASE_URL environment variable (or a .env file)."
        )
    return UrlSetting(env["DATABASE_URL"], "DATABASE_URL", "the DATABASE_URL environment variable", Path.cwd())


def _setting_url(ds_name: str, provider: str, what: str, setting: UrlSetting | None) -> str | None:
    """A URL from outside the schema, checked with Prisma's rules; errors name where it was written."""
    if setting is None:
        return None
    if setting.value is None:
        raise SchemashiftError(f"Environment variable not found: {setting.env_var} (in {setting.origin}).")
    protocols = _PROTOCOLS.get(provider)
    if not setting.value.strip():
        extra = f" The environment variable `{setting.env_var}` resolved to an empty string." if setting.env_var else ""
        raise SchemashiftError(f"{what.capitalize()} in {setting.origin} is empty: give a nonempty URL.{extra}")
    if protocols and not setting.value.startswith(protocols):
        wanted = " or ".join(f"`{p}`" for p in protocols)
        raise SchemashiftError(
            f"Error validating datasource `{ds_name}`: {what} ({setting.origin}) must start with the protocol {wanted}."
        )
    return setting.value


def _optional_url(
    block: "ast.SourceConfig", prop_name: str, env: Mapping[str, str], required_env: bool
) -> tuple[str, Span] | None:
    """An optional URL property: absent, or an unset/blank env var, gives None (Prisma's rules)."""
    prop = _property(block, prop_name)
    if prop is None:
        return None
    value, var = _string_or_env(prop, env)
    span = prop.value.span if prop.value is not None else prop.span
    if value is None:
        if required_env:
            raise _UrlProblem(f"Environment variable not found: {var}.", span)
        return None
    if var is not None and not value.strip():
        return None
    return value, span


# ---------------------------------------------------------------- project


@dataclass(frozen=True)
class Project:
    """The schema location of one command run, with the ``.env`` files that were loaded."""

    cwd: Path
    schema: SchemaLocation
    env_files: tuple[Path, ...]
    prisma_config: "PrismaConfig | None" = None  # Prisma 7's prisma.config.ts of cwd, read statically
    #: the variables ``env("...")`` reads: None is ``os.environ`` (the command line, which loads
    #: ``.env`` files into it); the library API passes its own mapping (``.env`` files merged in)
    env: Mapping[str, str] | None = None

    def read(self) -> list[tuple[str, str]]:
        return read_schema(self.schema, self.cwd)

    def datasource(
        self,
        files: Sequence[tuple[str, str]] | None = None,
        schema: "ast.SchemaAst | None" = None,
        url_flag: str | None = None,
    ) -> Datasource:
        """The datasource, its URL by the documented precedence (``url_flag``: the ``--url`` option)."""
        return resolve_datasource(
            files if files is not None else self.read(),
            schema,
            env=self.env,
            configured=self.url_setting("datasource.url", "url", required=not url_flag),
            shadow_setting=self.url_setting("datasource.shadowDatabaseUrl", "shadow_url"),
            url_flag=UrlSetting(url_flag, None, "--url", self.cwd) if url_flag else None,
        )

    def url_setting(self, config_key: str, pyproject_key: str | None, required: bool = True) -> UrlSetting | None:
        """A URL given outside the schema: ``prisma.config.ts`` > ``[tool.schemashift]``; None when neither.
        A value the config file holds but that cannot be read is an error when ``required`` (not when
        ``--url`` gives the URL)."""
        config = self.prisma_config
        if config is not None and config.readable(config_key) and config_key in config.values:
            value = config.values[config_key]
            return UrlSetting(
                config.get(config_key, self.env), value.env_var, config.origin(config_key), config.directory
            )
        # Prisma 6's driver adapter (`engine: "js"`, `adapter: ...`) where the file has no datasource.url
        adapter = config.adapter if config is not None and config_key == "datasource.url" and config.error is None else None
        if config is not None and adapter is not None and config_key not in config.values and adapter.kind != "unreadable":
            origin = f"{config.display}:{adapter.line} (the driver adapter's connection string)"
            return UrlSetting(config.adapter_url(self.env), adapter.env_var, origin, config.directory)
        raw = self._pyproject(pyproject_key)
        if raw is not None:
            return UrlSetting(raw, None, "`[tool.schemashift]` in pyproject.toml", self.cwd)
        if config is not None and required:
            config.check(config_key)  # unreadable, and not given another way
            if adapter is not None and config_key not in config.values:
                config.adapter_url(self.env)  # an adapter it cannot read: says so, never a silent DATABASE_URL
        return None

    def client_url_source(self) -> tuple[str | None, str | None, Path] | None:
        """Where the generated client takes its URL from when the project configures one outside
        the schema (``prisma.config.ts`` > ``[tool.schemashift] url``): ``(variable, literal URL,
        folder relative file: paths start from)``, read without evaluating it (``generate`` needs no
        URL value, so an unset variable is no error); None when nothing is configured or the
        configured value cannot be read (the schema's then applies)."""
        from schemashift.errors import redact

        config = self.prisma_config
        value = config.values.get("datasource.url") if config is not None and config.error is None else None
        if config is not None and value is not None:
            if value.kind == "unreadable":
                return None
            literal = value.text if value.kind == "str" and redact(value.text) == value.text else None
            return value.env_var, literal, config.directory
        raw = self._pyproject("url")
        if raw is not None:  # a literal: written into the client only without a password
            return None, raw if redact(raw) == raw else None, self.cwd
        return None

    def _pyproject(self, key: str | None) -> str | None:
        raw = tool_settings(self.cwd).get(key) if key is not None else None
        if raw is not None and not isinstance(raw, str):
            raise SchemashiftError(f"`[tool.schemashift] {key}` in pyproject.toml must be a string.")
        return raw

    def init_shadow_db(self) -> str:
        """``migrations.initShadowDb`` of ``prisma.config.ts`` (SQL run on the shadow database before
        the migrations), or ""."""
        return init_shadow_db(self.prisma_config, self.env)

    def external_objects(self, provider: str) -> "ExternalObjects | None":
        """``tables.external``/``enums.external`` of ``prisma.config.ts`` (:func:`external_objects`)."""
        return external_objects(self.prisma_config, self.env, provider)

    @property
    def migrations_dir(self) -> Path:
        """``migrations.path`` of ``prisma.config.ts`` > ``[tool.schemashift] migrations`` > next to the schema."""
        config = self.prisma_config
        if config is not None and config.readable("migrations.path"):
            configured = config.path_of("migrations.path")
            if configured is not None:
                return configured
        raw = self._pyproject("migrations")
        if raw is not None:
            return self.cwd / raw
        if config is not None:
            config.check("migrations.path")
        return self.schema.directory / "migrations"


def init_shadow_db(config: "PrismaConfig | None", env: Mapping[str, str] | None) -> str:
    """``migrations.initShadowDb`` of the configuration, or ""; Prisma 7 requires
    ``experimental.externalTables`` for it."""
    if config is None:
        return ""
    script = config.get("migrations.initShadowDb", env) or ""
    if script and not config.flag("experimental.externalTables"):
        raise _experimental(config, "migrations.initShadowDb")
    return script


def external_objects(config: "PrismaConfig | None", env: Mapping[str, str] | None, provider: str) -> "ExternalObjects | None":
    """``tables.external``/``enums.external`` of the configuration: what migrate leaves alone
    (:mod:`schemashift.diff.external`); None when none are configured. Prisma 7 requires
    ``experimental.externalTables`` for external tables."""
    from schemashift.diff.external import ExternalObjects

    if config is None:
        return None
    tables = config.strings("tables.external", env) or ()
    enums = config.strings("enums.external", env) or ()
    if tables and not config.flag("experimental.externalTables"):
        raise _experimental(config, "tables.external")
    return ExternalObjects.parse(tables, enums, namespaced=provider in ("postgresql", "cockroachdb")) or None


def _experimental(config: "PrismaConfig", key: str) -> SchemashiftError:
    """Prisma 7's refusal of a key whose experimental switch is off, naming the file."""
    from schemashift.prisma_config import ConfigFileError

    return ConfigFileError(
        f"{config.origin(key)}: The `{key}` configuration requires `experimental.externalTables` to be set to `true`."
    )


def load_project(
    schema_option: str | None = None, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Project:
    """The project of ``cwd``. Without ``env``, ``.env`` files are loaded into ``os.environ`` (the
    command line); with it (the library API), they are merged into a copy of it kept on the project
    (:attr:`Project.env`) and ``os.environ`` is neither read for ``env("...")`` nor changed."""
    from schemashift.prisma_config import find_config

    cwd = (cwd or Path.cwd()).resolve()
    prisma_config = find_config(cwd)
    if env is not None:
        location = find_schema(schema_option, cwd, prisma_config)
        env_files, merged = read_env(location, env, cwd)
        return Project(cwd, location, tuple(env_files), prisma_config, merged)
    if prisma_config is not None:  # Prisma 7: `.env` only through the configuration, before its values
        env_files = load_config_env(prisma_config, cwd)
        location = find_schema(schema_option, cwd, prisma_config)
    else:
        location = find_schema(schema_option, cwd, prisma_config)
        env_files = load_env(location, cwd)
    return Project(cwd, location, tuple(env_files), prisma_config)
