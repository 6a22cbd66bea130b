"""Prisma connection URLs: ``postgresql://``, ``postgres://``, ``mysql://`` and ``file:``.

The parsed form keeps the password out of ``repr`` and offers :meth:`ConnectionUrl.redacted`
for anything shown to a user. A relative SQLite path is resolved against ``base_dir`` (the
folder of the schema file, as Prisma does) or the current directory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from schemashift.errors import REDACTED, redact

from .errors import InvalidUrl

Provider = Literal["postgresql", "mysql", "sqlite"]

_SCHEMES: dict[str, Provider] = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql"}
_DEFAULT_PORT: dict[Provider, int] = {"postgresql": 5432, "mysql": 3306}
_INVALID = "The provided database string is invalid."


@dataclass(frozen=True)
class ConnectionUrl:
    provider: Provider
    host: str = ""
    port: int = 0
    user: str = ""
    password: str | None = field(default=None, repr=False)
    database: str = ""
    #: PostgreSQL schema (``?schema=``, default ``public``); None on other providers.
    schema: str | None = None
    #: The query parameters as given (Prisma's pool/timeout options included).
    params: Mapping[str, str] = field(default_factory=dict)
    #: SQLite: the absolute database file path.
    path: Path | None = None
    scheme: str = ""
    #: The folder relative TLS file paths are resolved against (the schema's folder, as Prisma).
    base_dir: Path | None = field(default=None, repr=False, compare=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no output may show: the password and the client key's passphrase (``sslpassword``)."""
        return tuple(v for v in (self.password, self.params.get("sslpassword")) if v)

    @property
    def connect_timeout(self) -> float:
        """Seconds; Prisma's ``connect_timeout`` parameter, default 5 (0 = no limit)."""
        raw = self.params.get("connect_timeout", "5")
        try:
            return float(raw)
        except ValueError:
            raise InvalidUrl(f"The provided database string is invalid. `connect_timeout` must be a number, got `{raw}`.") from None

    def check_tls_files(self) -> None:
        """P1013 when a TLS parameter is wrong or names a missing/unreadable file (the check
        lives in :func:`schemashift.connectors.tls.tls_settings`)."""
        from .tls import tls_settings

        tls_settings(self)

    def with_database(self, database: str) -> ConnectionUrl:
        """The same server and credentials, another database (PostgreSQL/MySQL)."""
        return dataclasses.replace(self, database=database)

    def redacted(self) -> str:
        """The URL with the passwords replaced by ``****``: the only form fit for display."""
        params = {k: REDACTED if k == "sslpassword" and v else v for k, v in self.params.items()}
        query = f"?{urlencode(params, safe='/:*')}" if params else ""
        if self.provider == "sqlite":
            return redact(f"file:{self.path}{query}")
        auth = quote(self.user, safe="")
        if self.password is not None:
            auth += f":{REDACTED}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        netloc = f"{auth}@{host}:{self.port}" if auth else f"{host}:{self.port}"
        return redact(f"{self.scheme}://{netloc}/{quote(self.database, safe='')}{query}")

    def __str__(self) -> str:
        return self.redacted()


def parse_url(url: str, base_dir: Path | str | None = None) -> ConnectionUrl:
    """Parse a Prisma datasource URL. Raises :class:`InvalidUrl` (P1013) on a bad one."""
    url = url.strip()
    if url.startswith(("file:", "sqlite:")):
        return _parse_sqlite(url, Path(base_dir) if base_dir is not None else Path.cwd())
    scheme, sep, _ = url.partition("://")
    provider = _SCHEMES.get(scheme.lower()) if sep else None
    if provider is None:
        raise InvalidUrl(
            "The provided database string is invalid. The scheme is not recognized in database URL."
            " Please refer to the documentation in https://pris.ly/d/config-url for constructing a correct"
            " connection string."
        )
    return _parse_server(url, scheme.lower(), provider, Path(base_dir) if base_dir is not None else None)


def _parse_server(url: str, scheme: str, provider: Provider, base_dir: Path | None) -> ConnectionUrl:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "Invalid IPv6 URL": an unclosed or stray bracket
        raise InvalidUrl(
            f"{_INVALID} The host is not valid in database URL: an IPv6 address must be written in"
            " brackets, e.g. `postgresql://user@[::1]:5432/mydb`."
        ) from None
    password = unquote(parts.password) if parts.password is not None else None
    try:
        port = parts.port or _DEFAULT_PORT[provider]
    except ValueError:
        raise InvalidUrl(f"{_INVALID} invalid port number in database URL.") from None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    host = params.get("host") or hostname or "localhost"
    if provider == "mysql" and params.get("socket"):
        host = params["socket"]
    database = unquote(parts.path.lstrip("/"))
    if not database:
        shown = "localhost" if host.startswith("/") else f"[{host}]" if ":" in host else host
        example = f"{scheme}://USER@{shown}:{port}/DATABASE"
        raise InvalidUrl(
            f"{_INVALID} The database name is missing in database URL (an empty variable in `.env`?):"
            f" write it after the host, e.g. `{example}`. schemashift does not fall back to the"
            " server's default database."
        )
    schema = params.get("schema") or "public" if provider == "postgresql" else None
    return ConnectionUrl(
        provider=provider,
        host=host,
        port=port,
        user=unquote(parts.username or ""),
        password=password,
        database=database,
        schema=schema,
        params=params,
        scheme=scheme,
        base_dir=base_dir,
    )


def _parse_sqlite(url: str, base_dir: Path) -> ConnectionUrl:
    body = url.split(":", 1)[1]
    raw_path, _, query = body.partition("?")
    if raw_path.startswith("//"):  # file://relative or file:///abs
        raw_path = raw_path[2:]
    if not raw_path:
        raise InvalidUrl(f"{_INVALID} The SQLite file path is empty.")
    path = Path(unquote(raw_path))
    if not path.is_absolute():
        path = base_dir / path
    params = dict(parse_qsl(query, keep_blank_values=True))
    return ConnectionUrl(provider="sqlite", database=path.stem, path=Path(_normalize(path)), params=params, scheme="file")


def _normalize(path: Path) -> str:
    import os.path

    return os.path.normpath(path.absolute())
