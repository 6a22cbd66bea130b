"""Prisma 7's ``prisma.config.ts`` read statically, without Node.

Prisma 7 moved the connection URL, the schema and migrations paths and the seed command out of
the schema into ``prisma.config.ts`` (or ``.js``/``.mjs``/``.mts``/``.cts``/``.cjs``) in the
project folder. Prisma runs that file as a program; schemashift must not need Node, so this
module reads the small subset of TypeScript that real configuration files use, and says clearly
(file, line, what, and how to say it instead) when a file goes beyond it.

Why a hand-written scanner: no maintained Python library parses TypeScript (tree-sitter would add
a native grammar package for a file of a dozen lines), and evaluating the file needs a JavaScript
engine anyway. The subset is small and closed, so a tokenizer plus a recursive-descent reader of
about two hundred lines is the simplest honest tool. What it reads:

- comments (``//``, ``/* */``); ``import "dotenv/config"`` and other ``import ... from "..."`` lines
  (skipped, but :attr:`PrismaConfig.loads_dotenv` records whether the file loads ``.env``: Prisma 7
  loads no ``.env`` itself, the configuration's ``import "dotenv/config"`` does);
- ``export default defineConfig({...})``, ``export default {...}`` (or CommonJS's
  ``module.exports = ...`` with ``const { defineConfig } = require("prisma/config")`` and
  ``"use strict"``), optionally followed by ``satisfies PrismaConfig`` (or ``as PrismaConfig``);
- values: string literals (single, double, template without ``${}``), ``env("X")`` (Prisma's
  helper: an error when X is not set), ``process.env.X`` and ``process.env["X"]`` (undefined when
  not set), TypeScript's ``x!`` and ``x as string``, ``a || b`` and ``a ?? b`` fallbacks, ``path.join(...)``/``path.resolve(...)``/``join(...)``
  of those and of ``__dirname``/``import.meta.dirname`` (the file's folder); nested objects.

Keys schemashift uses (Prisma 7.10's ``PrismaConfig``, :data:`USED_KEYS`): ``schema``,
``migrations.path``, ``migrations.seed``, ``migrations.initShadowDb`` (also as
``fs.readFileSync("file.sql", "utf-8")``), ``datasource.url``, ``datasource.shadowDatabaseUrl``,
``tables.external``, ``enums.external`` (lists of strings) and ``experimental.externalTables``
(``true``/``false``). Other keys (``views``, ``typedSql``, ``extensions``...) are skipped whatever
their value, so a function or a variable there does not stop a project. Relative paths are
relative to the configuration file's folder, as in Prisma (``readFileSync``: to the project folder,
Node's current directory).

A value (or a whole file) the reader cannot read is kept as an error, raised only when that key
is needed and not given another way (``--schema``/``--url``, ``[tool.schemashift]``), so the
user can always say it instead without editing the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from schemashift.errors import SchemashiftError

#: Prisma 7.10's file names, in its lookup order (``@prisma/config``'s ``findPrismaConfigFile``):
#: ``prisma7.config.*`` and ``.config/prisma7.*`` first, then the ``prisma.config`` names.
_EXTENSIONS = (".js", ".ts", ".mjs", ".cjs", ".mts", ".cts")
CONFIG_FILES = (
    *(f"prisma7.config{e}" for e in _EXTENSIONS),
    *(f".config/prisma7{e}" for e in _EXTENSIONS),
    *(
        name
        for base in ("prisma.config", ".config/prisma", ".config/prisma.config")
        for name in (*(f"{base}{e}" for e in _EXTENSIONS), *(f"{base}/index{e}" for e in _EXTENSIONS))
    ),
)
#: The keys read (dotted); every other key is skipped. ``views.path`` and ``typedSql.path`` (db
#: pull's view files, the client's typed queries) and ``extensions`` change nothing migrate does.
USED_KEYS = (
    "schema",
    "migrations.path",
    "migrations.seed",
    "migrations.initShadowDb",
    "datasource.url",
    "datasource.shadowDatabaseUrl",
    "tables.external",
    "enums.external",
    "experimental.externalTables",
)

#: Where Prisma 6 configurations put a driver adapter (``engine: "js"`` + ``adapter``, 6.16+;
#: ``migrate.adapter``, 6.6-6.15). Prisma 7.10 ignores both (its ``datasource.url`` is required);
#: schemashift reads the connection string of the adapter's ``new Prisma...({ ... })`` when
#: ``datasource.url`` is absent, and stops with :data:`ADAPTER_HINT` when it cannot.
ADAPTER_KEYS = ("adapter", "migrate.adapter")
#: the options that hold the connection string in Prisma's adapters (``PrismaPg``, ``PrismaNeon``:
#: ``connectionString``; ``PrismaBetterSqlite3``, ``PrismaLibSql``, ``PrismaD1Http``...: ``url``)
_ADAPTER_URL_OPTIONS = ("connectionString", "url")
ADAPTER_HINT = (
    "schemashift cannot run a JavaScript driver adapter: give the connection URL instead, with the `--url` "
    "option, `datasource: { url: env(\"DATABASE_URL\") }` in the config file (Prisma 7 reads only that), "
    "`url = \"...\"` under `[tool.schemashift]` in pyproject.toml, or a `new <Adapter>({ connectionString: "
    "process.env.VAR })` that it can read."
)

HINT = (
    "Write it as a string literal, env(\"VAR\") or process.env.VAR in the file, or give it to schemashift "
    "another way: the `--schema`/`--url` options, or the keys `url`, `shadow_url`, `schema`, `migrations` and `seed` under "
    "`[tool.schemashift]` in pyproject.toml."
)


class ConfigFileError(SchemashiftError):
    """A ``prisma.config.ts`` that the static reader cannot read (exit 1)."""


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Value:
    """An expression of the file, evaluated against the environment when used."""

    kind: str  # "str", "env" (env("X"): required), "penv" (process.env.X), "join", "or", "coalesce",
    # "file" (fs.readFileSync(path)), "list" ([...] of values), "bool" (true/false), "unreadable"
    text: str = ""
    parts: tuple["Value", ...] = ()
    line: int = 0

    def evaluate(self, env: Mapping[str, str], where: str) -> str | None:
        """The value (None: an unset ``process.env`` variable); ``env("X")`` unset is an error, as in Prisma."""
        if self.kind == "str":
            return self.text
        if self.kind == "env":
            if self.text not in env:
                raise ConfigFileError(
                    f"{where}:{self.line}: Cannot resolve environment variable: {self.text}. Set it in the "
                    "environment or in a .env file."
                )
            return env[self.text]
        if self.kind == "penv":
            return env.get(self.text)
        if self.kind in ("or", "coalesce"):
            first = self.parts[0].evaluate(env, where)
            if first is not None and (self.kind == "coalesce" or first != ""):
                return first
            return self.parts[1].evaluate(env, where)
        if self.kind == "join":
            pieces = [p.evaluate(env, where) for p in self.parts]
            if any(p is None for p in pieces):
                raise ConfigFileError(f"{where}:{self.line}: path.join() of an unset environment variable.")
            return os.path.normpath(os.path.join(*[p for p in pieces if p is not None]))
        if self.kind == "file":  # fs.readFileSync(path, "utf-8"): the path as Node takes it (the text)
            path = self.parts[0].evaluate(env, where)
            if path is None:
                raise ConfigFileError(f"{where}:{self.line}: readFileSync() of an unset environment variable.")
            from schemashift.errors import read_text

            return read_text(Path(path))
        if self.kind in ("list", "bool"):
            raise ConfigFileError(f"{where}:{self.line}: expected a string, found a {'list' if self.kind == 'list' else 'boolean'}.")
        return None

    @property
    def env_var(self) -> str | None:
        """The variable the value comes from (the first one of a fallback)."""
        if self.kind in ("env", "penv"):
            return self.text
        if self.kind in ("or", "coalesce"):
            return self.parts[0].env_var
        return None


@dataclass
class PrismaConfig:
    """The keys schemashift reads from one configuration file."""

    path: Path  # absolute
    display: str  # as shown in messages (relative to the project folder)
    values: dict[str, Value] = field(default_factory=dict)
    #: why the whole file could not be read (then every key is unreadable)
    error: str | None = None
    #: the file loads ``.env`` (``import "dotenv/config"``, ``require("dotenv/config")``, or
    #: ``config()``/``dotenv.config()`` of an imported ``dotenv``), found even when it cannot be read
    loads_dotenv: bool = False
    #: a Prisma 6 driver adapter (:data:`ADAPTER_KEYS`): its connection string, or an "unreadable"
    #: value whose text says what was found and how to give the URL instead
    adapter: Value | None = None

    def readable(self, key: str) -> bool:
        """Whether ``key`` was read (set or absent); False when the file or that value could not be read."""
        value = self.values.get(key)
        return self.error is None and (value is None or value.kind != "unreadable")

    def check(self, key: str) -> None:
        """A :class:`ConfigFileError` when ``key`` could not be read."""
        value = self.values.get(key)
        if self.error is not None:
            raise ConfigFileError(self.error)
        if value is not None and value.kind == "unreadable":
            raise ConfigFileError(value.text)

    @property
    def directory(self) -> Path:
        return self.path.parent

    def get(self, key: str, env: Mapping[str, str] | None = None) -> str | None:
        """``key`` (dotted, one of :data:`USED_KEYS`) evaluated; None when absent or unset."""
        self.check(key)
        value = self.values.get(key)
        if value is None:
            return None
        return value.evaluate(os.environ if env is None else env, self.display)

    def strings(self, key: str, env: Mapping[str, str] | None = None) -> tuple[str, ...] | None:
        """A list key (``tables.external``) evaluated; None when absent."""
        self.check(key)
        value = self.values.get(key)
        if value is None:
            return None
        if value.kind != "list":
            raise ConfigFileError(f"{self.display}:{value.line}: `{key}` must be a list of strings.")
        out = []
        for part in value.parts:
            text = part.evaluate(os.environ if env is None else env, self.display)
            if text is None:
                raise ConfigFileError(f"{self.display}:{part.line}: `{key}` holds an unset environment variable.")
            out.append(text)
        return tuple(out)

    def flag(self, key: str) -> bool:
        """A boolean key (``experimental.externalTables``): True only when written ``true``."""
        self.check(key)
        value = self.values.get(key)
        if value is not None and value.kind != "bool":
            raise ConfigFileError(f"{self.display}:{value.line}: `{key}` must be `true` or `false`.")
        return value is not None and value.text == "true"

    def path_of(self, key: str) -> Path | None:
        """A path key, absolute (relative paths start at the file's folder)."""
        raw = self.get(key)
        return None if raw is None else self.directory / raw

    def origin(self, key: str) -> str:
        value = self.values.get(key)
        return f"{self.display}:{value.line}" if value is not None else self.display

    def adapter_url(self, env: Mapping[str, str] | None = None) -> str | None:
        """The driver adapter's connection string (None: no adapter, or an unset variable); a
        :class:`ConfigFileError` naming the adapter when it cannot be read."""
        if self.adapter is None:
            return None
        if self.adapter.kind == "unreadable":
            raise ConfigFileError(self.adapter.text)
        return self.adapter.evaluate(os.environ if env is None else env, self.display)


#: Prisma 7's ``--config PATH`` (the command line's custom configuration file), None: looked up.
CONFIG_FILE: ContextVar[str | None] = ContextVar("schemashift_prisma_config_file", default=None)


def find_config(cwd: Path) -> PrismaConfig | None:
    """The configuration file of ``cwd`` (or the one ``--config`` names, :data:`CONFIG_FILE`)
    read, or None when there is none."""
    explicit = CONFIG_FILE.get()
    if explicit is not None:
        from schemashift.errors import read_text

        path = cwd / explicit
        if not path.is_file():
            raise ConfigFileError(f"Config file not found at `{explicit}` (--config).")
        if not path.name.endswith(_EXTENSIONS):
            raise ConfigFileError(f"Unsupported Prisma config file extension: {path.suffix or path.name} (--config).")
        return parse_config(read_text(path), path.resolve(), explicit, root=cwd)
    for name in CONFIG_FILES:
        path = cwd / name
        if path.is_file():  # (Prisma: a ``.config/`` file's relative paths start in ``.config/`` too)
            from schemashift.errors import read_text

            return parse_config(read_text(path), path, name, root=cwd)
    return None


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<line>//[^\n]*)|(?P<block>/\*.*?\*/)
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)
    |(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_$][\w$]*)
    |(?P<op>\?\?|\|\||\.\.\.|[{}()\[\],:;.=*?!<>+\-/&|])""",
    re.S | re.X,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "`": "`"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # "str", "tpl" (a template string with ${...}), "num", "name", "op", "end"
    text: str
    line: int


def _unquote(raw: str) -> str:
    body = raw[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


def _tokens(text: str, where: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ConfigFileError(f"{where}:{line}: cannot read {text[pos:pos + 20]!r}. {HINT}")
        kind = m.lastgroup or "ws"
        raw = m.group()
        if kind == "str" and raw[0] == "`" and "${" in raw:  # an error only where it is used
            out.append(_Tok("tpl", raw, line))
        elif kind == "str":
            out.append(_Tok("str", _unquote(raw), line))
        elif kind in ("num", "name", "op"):
            out.append(_Tok(kind, raw, line))
        line += raw.count("\n")
        pos = m.end()
    out.append(_Tok("end", "", line))
    return out


# ---------------------------------------------------------------- reader


class _Reader:
    def __init__(self, tokens: list[_Tok], where: str, directory: Path, root: Path) -> None:
        self.toks = tokens
        self.i = 0
        self.where = where
        self.directory = directory  # __dirname, import.meta.dirname
        self.root = root  # the project folder: Node's current directory (relative readFileSync paths)
        self.adapter: Value | None = None
        self.param: str | None = None  # the adapter function's parameter (Prisma 6.6's `env`)

    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def next(self) -> _Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok.kind in ("op", "name") and tok.text == text

    def fail(self, what: str, tok: _Tok | None = None) -> ConfigFileError:
        tok = tok or self.peek()
        # a string's content is never shown: it may be a URL with a password
        got = {"end": "the end of the file", "str": "a string", "tpl": "a template string"}.get(tok.kind, f"`{tok.text}`")
        return ConfigFileError(f"{self.where}:{tok.line}: cannot read {what} (found {got}). {HINT}")

    def expect(self, text: str, what: str) -> _Tok:
        if not self.at(text):
            raise self.fail(what)
        return self.next()

    # -- statements

    def module(self) -> dict[str, Value]:
        values: dict[str, Value] | None = None
        while self.peek().kind != "end":
            if self.at(";"):
                self.next()
            elif self.at("import"):
                self.import_()
            elif self.at("export") and self.peek(1).text == "default":
                self.i += 2
                values = self.default_export()
            elif self.at("module") and [self.peek(k).text for k in (1, 2, 3)] == [".", "exports", "="]:
                self.i += 4
                values = self.default_export()
            elif self.peek().kind == "str":  # a directive: "use strict";
                self.next()
            elif self.at("require") and self.peek(1).text == "(" and self.peek(2).kind == "str" and self.peek(3).text == ")":
                self.i += 4  # require("dotenv/config"): see _loads_dotenv
            elif self._bare_call():  # config() or dotenv.config(): see _loads_dotenv
                pass
            elif self.at("const") or self.at("let") or self.at("var"):
                self.require_()
            else:
                raise self.fail("this statement: only imports and `export default defineConfig({...})` are read")
        if values is None:
            raise ConfigFileError(f"{self.where}: no `export default defineConfig({{...}})` found. {HINT}")
        return values

    def _bare_call(self) -> bool:
        """Skip a statement ``name()`` or ``name.name()`` (dotenv's ``config()``); False if it is not one."""
        k = 1 if self.peek().kind == "name" else 0
        if k and self.peek(1).text == "." and self.peek(2).kind == "name":
            k = 3
        if k and self.peek(k).text == "(" and self.peek(k + 1).text == ")":
            self.i += k + 2
            return True
        return False

    def import_(self) -> None:
        start = self.next()
        while not (self.peek().kind == "str"):
            if self.peek().kind == "end" or self.at(";"):
                raise self.fail("this import", start)
            self.next()
        self.next()
        if self.at(";"):
            self.next()

    def require_(self) -> None:
        """``const { defineConfig } = require("prisma/config")``: CommonJS's import, skipped."""
        start = self.next()
        while not self.at("="):
            if self.peek().kind == "end" or self.at(";"):
                raise self.fail("this declaration", start)
            self.next()
        self.next()
        if not (self.at("require") and self.peek(1).text == "(" and self.peek(2).kind == "str" and self.peek(3).text == ")"):
            raise self.fail(
                "this statement: only imports, require() and `export default defineConfig({...})` are read", start
            )
        self.i += 4

    def default_export(self) -> dict[str, Value]:
        wrapped = self.at("defineConfig")
        if wrapped:
            self.next()
            self.expect("(", "the call of defineConfig")
        if not self.at("{"):
            raise self.fail("the default export: `defineConfig({...})` or an object literal")
        values: dict[str, Value] = {}
        self.object_("", values)
        if wrapped:
            if self.at(","):
                self.next()
            self.expect(")", "the end of defineConfig(...)")
        if self.at("satisfies") or self.at("as"):
            self.next()
            self.type_name()
        return values

    def type_name(self) -> None:
        if self.peek().kind != "name":
            raise self.fail("the type after `satisfies`")
        self.next()
        while self.at(".") and self.peek(1).kind == "name":
            self.i += 2

    # -- values

    def object_(self, prefix: str, values: dict[str, Value]) -> None:
        self.expect("{", "an object")
        while not self.at("}"):
            tok = self.next()
            if tok.kind == "name" and tok.text == "async" and self.peek().kind == "name" and self.peek(1).text == "(":
                tok = self.next()  # `async adapter(env) {...}`
            if tok.kind not in ("name", "str"):
                raise self.fail("a key of the object", tok)
            key = prefix + tok.text
            if tok.kind == "name" and self.at("("):  # a method: `adapter() {...}`
                start = self.i
                self.skip_value()
                if key in ADAPTER_KEYS:
                    self.adapter = self.adapter_value(start, self.i, tok.line)
            else:
                self.expect(":", f"the value of `{key}`")
                self.value(key, tok.line, values)
            if not self.at(","):
                break
            self.next()
        self.expect("}", "the end of the object")

    def value(self, key: str, line: int, values: dict[str, Value]) -> None:
        """The value of ``key`` (after its ``:``): read, descended into, or skipped."""
        start = self.i
        if key in ADAPTER_KEYS:
            self.skip_value()
            self.adapter = self.adapter_value(start, self.i, line)
        elif key in USED_KEYS:
            try:
                values[key] = self.expression(key)
            except ConfigFileError as exc:  # this key only: it may be given elsewhere
                values[key] = Value("unreadable", str(exc), line=line)
                self.i = start  # the whole value skipped, from its start (a list may have stopped inside)
                self.skip_value()
        elif self.at("{") and any(k.startswith(key + ".") for k in (*USED_KEYS, *ADAPTER_KEYS)):
            self.object_(key + ".", values)
        else:
            self.skip_value()

    def adapter_value(self, start: int, end: int, line: int) -> Value:
        """A driver adapter's connection string, read from tokens ``start:end``: the first
        ``new Name(...)`` there, its first argument a string expression or an object with
        ``connectionString``/``url``; else an "unreadable" value saying what was found."""
        toks = self.toks[start:end]
        texts = [t.text if t.kind in ("op", "name") else None for t in toks]
        # the function's one parameter (`async (env) => ...`, `adapter(env) {...}`): `env.X` is process.env.X
        if "(" in texts:
            k = texts.index("(")
            if k + 2 < len(toks) and toks[k + 1].kind == "name" and texts[k + 2] == ")":
                self.param = toks[k + 1].text
        news = [k for k in range(len(toks) - 2) if texts[k] == "new" and toks[k + 1].kind == "name"]
        # Prisma's adapter classes (PrismaPg, PrismaBetterSqlite3...) before a driver's `new Pool()`
        found = next((k for k in news if toks[k + 1].text.startswith("Prisma")), news[0] if news else None)
        what = f"new {toks[found + 1].text}(...)" if found is not None else "a function"
        unreadable = Value(
            "unreadable",
            f"{self.where}:{line}: the datasource is a driver adapter ({what}) whose connection string cannot be read "
            f"without running the file. {ADAPTER_HINT}",
            line=line,
        )
        if found is None:
            return unreadable
        k = start + found + 2
        saved = self.i
        try:
            while self.toks[k].kind == "name" and self.toks[k + 1].text == ".":  # `new pg.Pool(...)`
                k += 2
            self.i = k + 1
            if self.toks[k].text != "(" or self.toks[k].kind != "op":
                return unreadable
            if not self.at("{"):
                return self.adapter_expression()
            self.next()
            while not self.at("}"):
                key = self.next()
                if key.kind in ("name", "str") and key.text in _ADAPTER_URL_OPTIONS and self.at(":"):
                    self.next()
                    return self.adapter_expression()
                if not self.at(":"):
                    return unreadable  # `{ connectionString }` (a variable), `...spread`
                self.next()
                self.skip_value()
                if not self.at(","):
                    break
                self.next()
            return unreadable
        except ConfigFileError:
            return unreadable
        finally:
            self.i = saved
            self.param = None

    def adapter_expression(self) -> Value:
        value = self.expression("the adapter's connection string")
        if value.kind in ("list", "bool", "file"):
            raise self.fail("the adapter's connection string")
        return value

    def skip_value(self) -> None:
        """A value schemashift does not use: skipped up to the next `,` or `}` at its depth."""
        depth = 0
        while True:
            tok = self.peek()
            if tok.kind == "end":
                raise self.fail("the end of a value")
            if depth == 0 and tok.kind == "op" and tok.text in (",", "}", ")", "]"):
                return
            if tok.kind == "op" and tok.text in ("{", "(", "["):
                depth += 1
            elif tok.kind == "op" and tok.text in ("}", ")", "]"):
                depth -= 1
            self.next()

    def expression(self, key: str) -> Value:
        value = self.postfix(key)
        while self.at("||") or self.at("??"):
            op = self.next()
            value = Value("or" if op.text == "||" else "coalesce", parts=(value, self.postfix(key)), line=op.line)
        return value

    def postfix(self, key: str) -> Value:
        """A value with TypeScript's ``!`` (non-null) and ``as string``, which change nothing at run time."""
        value = self.primary(key)
        while True:
            if self.at("!"):
                self.next()
            elif self.at("as") and self.peek(1).kind == "name":
                self.next()
                self.type_name()
            else:
                return value

    def primary(self, key: str) -> Value:
        tok = self.peek()
        what = f"the value of `{key}`"
        if tok.kind == "tpl":
            raise ConfigFileError(
                f"{self.where}:{tok.line}: cannot read a template string with `${{...}}` without running it. {HINT}"
            )
        if tok.kind == "str":
            self.next()
            return Value("str", tok.text, line=tok.line)
        if tok.kind == "op" and tok.text == "[":
            self.next()
            items = []
            while not self.at("]"):
                items.append(self.expression(key))
                if not self.at(","):
                    break
                self.next()
            self.expect("]", what)
            return Value("list", parts=tuple(items), line=tok.line)
        if tok.kind == "name" and tok.text in ("true", "false"):
            self.next()
            return Value("bool", tok.text, line=tok.line)
        if tok.kind == "name" and (
            (tok.text == "fs" and self.peek(1).text == "." and self.peek(2).text == "readFileSync")
            or tok.text == "readFileSync"
        ):
            self.i += 3 if tok.text == "fs" else 1
            self.expect("(", what)
            path = self.expression(key)
            if self.at(","):  # the encoding: "utf-8", "utf8" or { encoding: ... }; text either way
                self.next()
                self.skip_value()
            self.expect(")", what)
            return Value("file", parts=(Value("join", parts=(Value("str", str(self.root)), path), line=tok.line),), line=tok.line)
        if tok.kind == "name" and tok.text == "__dirname":
            self.next()
            return Value("str", str(self.directory), line=tok.line)
        if tok.kind == "name" and tok.text == "import" and [self.peek(k).text for k in (1, 2, 3, 4)] == [".", "meta", ".", "dirname"]:
            self.i += 5
            return Value("str", str(self.directory), line=tok.line)
        if tok.kind == "name" and tok.text == "env" and self.peek(1).text == "(":
            self.i += 2
            name = self.string_arg(what)
            self.expect(")", what)
            return Value("env", name, line=tok.line)
        if tok.kind == "name" and tok.text == self.param and self.peek(1).text == "." and self.peek(2).kind == "name":
            self.i += 3  # Prisma 6.6's `migrate: { async adapter(env) {...} }`: env.X
            return Value("penv", self.toks[self.i - 1].text, line=tok.line)
        if tok.kind == "name" and tok.text == "process" and self.peek(1).text == "." and self.peek(2).text == "env":
            self.i += 3
            if self.at(".") and self.peek(1).kind == "name":
                self.next()
                return Value("penv", self.next().text, line=tok.line)
            if self.at("["):
                self.next()
                name = self.string_arg(what)
                self.expect("]", what)
                return Value("penv", name, line=tok.line)
            raise self.fail(what)
        if tok.kind == "name" and tok.text in ("path", "join", "resolve"):
            if tok.text == "path":
                self.next()
                self.expect(".", what)
                if not (self.at("join") or self.at("resolve")):
                    raise self.fail(what)
            self.next()
            self.expect("(", what)
            parts = []
            while not self.at(")"):
                parts.append(self.expression(key))
                if not self.at(","):
                    break
                self.next()
            self.expect(")", what)
            return Value("join", parts=tuple(parts), line=tok.line)
        raise self.fail(what)

    def string_arg(self, what: str) -> str:
        tok = self.next()
        if tok.kind != "str":
            raise self.fail(what, tok)
        return tok.text


def parse_config(text: str, path: Path, display: str, root: Path | None = None) -> PrismaConfig:
    """``text`` of the configuration file at ``path`` read (a :class:`ConfigFileError` when it cannot
    be); ``root``: the project folder (default: the file's)."""
    try:
        tokens = _tokens(text, display)
    except ConfigFileError as exc:
        return PrismaConfig(path=path, display=display, error=str(exc), loads_dotenv="dotenv" in text)
    dotenv = _loads_dotenv(tokens)
    try:
        reader = _Reader(tokens, display, path.parent, root or path.parent)
        values = reader.module()
        return PrismaConfig(path=path, display=display, values=values, loads_dotenv=dotenv, adapter=reader.adapter)
    except ConfigFileError as exc:
        return PrismaConfig(path=path, display=display, error=str(exc), loads_dotenv=dotenv)


def _loads_dotenv(tokens: list[_Tok]) -> bool:
    """Whether the file loads ``.env`` the way Prisma 7's generated configuration does."""
    texts = [t.text if t.kind != "str" else "'" + t.text for t in tokens]
    imports_dotenv = False
    for i, tok in enumerate(tokens):
        if tok.kind == "str" and tok.text in ("dotenv/config", "dotenv"):
            before = texts[i - 1] if i else ""
            required = before == "(" and i >= 2 and texts[i - 2] == "require"
            if before in ("import", "from") or required:
                if tok.text == "dotenv/config":
                    return True
                imports_dotenv = True
        # a top-level call `config()` or `dotenv.config()` once dotenv is imported
        if imports_dotenv and texts[i] == "config" and texts[i + 1 : i + 3] == ["(", ")"]:
            return True
    return False
