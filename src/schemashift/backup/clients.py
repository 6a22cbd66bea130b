"""How the dump and restore tools connect: the migration connection's own settings, in the tools'
spelling.

A backup must never connect with less security than the migration did. The TLS settings are
therefore not re-derived here: :func:`schemashift.connectors.tls.tls_settings` reads Prisma's URL
parameters once, for the drivers and for the tools, and gives them in each form
(``TlsSettings.libpq_env`` for ``pg_dump``/``pg_restore``, ``TlsSettings.mariadb_client_options``
for ``mariadb-dump``/``mariadb``). The rest of the connection (host, port, user, database) comes
from the URL. Passwords only through the environment (``PGPASSWORD``, ``MYSQL_PWD``) or a 0600
service file (a client key's ``sslpassword``): nothing secret is ever on a command line
(``/proc/<pid>/cmdline`` is world-readable).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from schemashift.backup.errors import BackupError
from schemashift.connectors.tls import TlsSettings
from schemashift.connectors.url import ConnectionUrl


class ClientSettingError(BackupError):
    """A connection setting of the URL that the client tools cannot be given."""


@dataclass(frozen=True)
class ClientConnection:
    """What a client tool is started with: extra environment and (never secret) arguments."""

    env: Mapping[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    #: TLS is required, but the tool cannot be told to refuse a plain connection (see
    #: :func:`confirm_mysql_tls`): MariaDB clients before 11.4 fall back to plain text unless
    #: they verify the certificate.
    unenforced_tls: bool = False


def check_client_settings(url: ConnectionUrl) -> None:
    """Refuse, before anything is created, a URL whose settings the tools cannot be given."""
    _tls(url)


def _tls(url: ConnectionUrl) -> TlsSettings:
    from schemashift.connectors.errors import ConnectorError
    from schemashift.connectors.tls import tls_settings

    try:
        return tls_settings(url)
    except ConnectorError as exc:  # the message names the parameter; no tool was started
        raise ClientSettingError(f"{exc.message}\nNo backup or restore was started.") from None


@contextmanager
def pg_client(url: ConnectionUrl) -> Iterator[ClientConnection]:
    """The environment of ``pg_dump``/``pg_restore`` for ``url``, valid inside the block."""
    from schemashift.connectors.base import APPLICATION_NAME

    env = {"PGHOST": url.host, "PGPORT": str(url.port), "PGDATABASE": url.database}
    env["PGAPPNAME"] = url.params.get("application_name") or APPLICATION_NAME
    if url.user:
        env["PGUSER"] = url.user
    if url.password:
        env["PGPASSWORD"] = url.password
    if url.connect_timeout > 0:
        env["PGCONNECT_TIMEOUT"] = str(max(1, round(url.connect_timeout)))
    if url.params.get("options"):
        env["PGOPTIONS"] = url.params["options"]
    with _tls(url).libpq_env() as tls_env:
        yield ClientConnection({**env, **tls_env})


@contextmanager
def mysql_client(url: ConnectionUrl) -> Iterator[ClientConnection]:
    """The options and environment of ``mariadb-dump``/``mariadb`` for ``url``, valid inside the
    block (a PKCS#12 identity's PEM files exist that long)."""
    settings = _tls(url)
    args = [f"--socket={url.host}"] if url.host.startswith("/") else [f"--host={url.host}", f"--port={url.port}"]
    args += [f"--user={url.user or 'root'}", "--default-character-set=utf8mb4"]
    env = {"MYSQL_PWD": url.password} if url.password else {}
    with settings.mariadb_client_options() as tls:
        unenforced = settings.required and settings.verify == "none"
        yield ClientConnection(env, tuple(args + tls), unenforced_tls=unenforced)


def confirm_mysql_tls(url: ConnectionUrl) -> None:
    """Refuse a server that does not offer TLS when the URL demands TLS without verification.

    PyMySQL (the migration connection) refuses such a server; ``mariadb-dump --ssl`` would go on
    in plain text. A handshake that requires TLS, made just before the tool starts, gives the tool
    the migration connection's guarantee (an attacker able to strip TLS from the tool's connection
    could equally intercept the unverified one: ``sslaccept=strict`` makes the tool verify).
    """
    from schemashift.connectors.mysql import _connect_kwargs  # reports a missing PyMySQL

    import pymysql  # type: ignore[import-untyped]

    kwargs = dict(_connect_kwargs(url, None))
    if not any(k.startswith("ssl") and kwargs[k] for k in kwargs):
        kwargs["ssl"] = {"check_hostname": False, "verify_mode": False}  # required, not verified
    try:
        pymysql.connect(**kwargs).close()
    except pymysql.MySQLError as exc:
        if exc.args and exc.args[0] == _CR_SSL_CONNECTION_ERROR:
            where = url.host if url.host.startswith("/") else f"{url.host}:{url.port}"
            raise BackupError(
                f"The URL asks for TLS and the MySQL server at {where} does not offer it "
                f"({exc.args[1] if len(exc.args) > 1 else exc}). Nothing was backed up or restored: "
                "the client tools would have connected without TLS."
            ) from None
        # any other failure: the tool reports it in its own words


_CR_SSL_CONNECTION_ERROR = 2026
