"""How the dump and restore tools connect: the migration connection's own settings, translated.

A backup must never connect with less security than the migration did. So the settings are not
re-derived from the URL here: they are the keyword arguments the connectors give their drivers
(``connectors.postgres._connect_kwargs`` for psycopg, ``connectors.mysql._connect_kwargs`` for
PyMySQL: Prisma's URL parameters mapped once, there), translated to the client tools' own
spelling. A TLS setting the translation does not know stops the backup (:class:`ClientSettingError`)
instead of being dropped. On top of that, TLS parameters of the URL that the connector leaves out
are still given to the tools, each with Prisma's (or libpq's) meaning: more checking, never less.

PostgreSQL (``pg_dump``, ``pg_restore``): libpq reads its connection parameters from environment
variables (``PGSSLMODE``, ``PGSSLROOTCERT``, ``PGSSLCERT``, ``PGSSLKEY``...). The password goes in
``PGPASSWORD``; ``sslpassword`` (a client key's passphrase) has no variable, so it goes into a
connection service file of mode 0600 in a private temporary folder (``PGSERVICEFILE``), removed
afterwards. MySQL/MariaDB (``mariadb-dump``, ``mariadb``): options (``--ssl-ca``, ``--ssl-cert``,
``--ssl-key``, ``--ssl-verify-server-cert``, ``--ssl``/``--skip-ssl``); the password in
``MYSQL_PWD``. Nothing secret is ever on a command line (``/proc/<pid>/cmdline`` is world-readable).

Prisma's URL parameters (https://pris.ly/d/postgresql-connector, /mysql-connector): ``sslmode``
(``prefer`` | ``disable`` | ``require``; libpq's ``verify-ca``/``verify-full`` on PostgreSQL),
``sslcert`` (the server's root certificate), ``sslidentity`` (a PKCS#12 client identity),
``sslpassword`` (its password), ``sslaccept`` (``accept_invalid_certs`` | ``strict``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from schemashift.backup.errors import BackupError
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


# ---------------------------------------------------------------- PostgreSQL

#: libpq connection parameters and their environment variables.
_PG_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "sslcertmode": "PGSSLCERTMODE",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "requirepeer": "PGREQUIREPEER",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
#: libpq parameters without an environment variable: written to the 0600 service file.
_PG_SERVICE_ONLY = ("sslpassword",)
#: libpq's own TLS parameters, taken from the URL when the connector did not set them.
_PG_URL_TLS = ("sslrootcert", "sslkey", "sslcrl", "sslpassword", "ssl_min_protocol_version")
#: psycopg keyword arguments that are no libpq connection parameter.
_PG_NOT_LIBPQ = ("autocommit",)
_SERVICE = "schemashift_backup"


def pg_parameters(url: ConnectionUrl) -> dict[str, str]:
    """The libpq parameters of the migration connection to ``url``'s database, as strings."""
    from schemashift.connectors.postgres import _connect_kwargs

    _refuse_pkcs12(url, "pg_dump and pg_restore")
    params = {k: str(v) for k, v in _connect_kwargs(url, url.database).items() if k not in _PG_NOT_LIBPQ}
    for name in _PG_URL_TLS:
        if url.params.get(name) and name not in params:
            params[name] = url.params[name]
    unknown = sorted(k for k in set(params) - set(_PG_ENV) - set(_PG_SERVICE_ONLY) if k.startswith(_PG_SECURITY))
    if unknown:
        raise ClientSettingError(
            f"The connection setting(s) {', '.join(unknown)} cannot be passed to pg_dump/pg_restore; "
            "no backup was taken rather than one made over a less secure connection."
        )
    return {k: v for k, v in params.items() if k in _PG_ENV or k in _PG_SERVICE_ONLY}


#: Prefixes of libpq parameters that bear on security: one the translation does not know stops
#: the backup; any other unknown parameter (a keepalive setting...) is left to libpq's default.
_PG_SECURITY = ("ssl", "gss", "krb", "channel_binding", "require", "password", "service")


@contextmanager
def pg_client(url: ConnectionUrl) -> Iterator[ClientConnection]:
    """The environment of ``pg_dump``/``pg_restore`` for ``url``, valid inside the block."""
    params = pg_parameters(url)
    env = {_PG_ENV[k]: v for k, v in params.items() if k in _PG_ENV}
    service = {k: v for k, v in params.items() if k in _PG_SERVICE_ONLY}
    if not service:
        yield ClientConnection(env)
        return
    folder = tempfile.mkdtemp(prefix="schemashift-pg-")  # mode 0700
    try:
        path = os.path.join(folder, "pg_service.conf")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f"[{_SERVICE}]\n" + "".join(f"{k}={_service_value(k, v)}\n" for k, v in service.items()))
        yield ClientConnection({**env, "PGSERVICEFILE": path, "PGSERVICE": _SERVICE})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _service_value(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ClientSettingError(f"`{name}` contains a line break and cannot be passed to pg_dump/pg_restore.")
    return value


# ---------------------------------------------------------------- MySQL / MariaDB

def mysql_client(url: ConnectionUrl) -> ClientConnection:
    """The options and environment of ``mariadb-dump``/``mariadb`` for ``url``. PyMySQL arguments
    that are no connection setting of the tools (``autocommit``, ``program_name``, the
    database, timeouts) are left out; an ``ssl*`` one the translation does not know stops it."""
    from schemashift.connectors.mysql import _connect_kwargs

    _refuse_pkcs12(url, "mariadb-dump and the mariadb client")
    kwargs: dict[str, Any] = dict(_connect_kwargs(url, url.database))
    args: list[str] = []
    if "unix_socket" in kwargs:
        args.append(f"--socket={kwargs.pop('unix_socket')}")
    if "host" in kwargs:
        args += [f"--host={kwargs.pop('host')}", f"--port={kwargs.pop('port')}"]
    if kwargs.get("user"):
        args.append(f"--user={kwargs.pop('user')}")
    if kwargs.get("charset"):
        args.append(f"--default-character-set={kwargs.pop('charset')}")
    tls = _mysql_tls(url, kwargs)
    env = {"MYSQL_PWD": str(kwargs["password"])} if kwargs.get("password") else {}
    unenforced = "--ssl" in tls and "--ssl-verify-server-cert" not in tls
    return ClientConnection(env, tuple(args + tls), unenforced_tls=unenforced)


def confirm_mysql_tls(url: ConnectionUrl) -> None:
    """Refuse a server that does not offer TLS when the URL demands TLS without verification.

    PyMySQL (the migration connection) refuses such a server; ``mariadb-dump --ssl`` would go on
    in plain text. A handshake that requires TLS, made just before the tool starts, gives the tool
    the migration connection's guarantee (an attacker able to strip TLS from the tool's connection
    could equally intercept the unverified one: ``sslaccept=strict`` makes the tool verify).
    """
    import pymysql  # type: ignore[import-untyped]

    from schemashift.connectors.mysql import _connect_kwargs

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


def _mysql_tls(url: ConnectionUrl, kwargs: dict[str, Any]) -> list[str]:
    """The TLS options: the connector's (PyMySQL's ``ssl_*`` / ``ssl``), then the URL's own."""
    tls: dict[str, Any] = {}
    ssl = kwargs.pop("ssl", None)
    if isinstance(ssl, Mapping):
        tls.update({f"ssl_{k}": v for k, v in ssl.items()})
    elif ssl:
        raise ClientSettingError("The connection's TLS context cannot be passed to mariadb-dump/mariadb.")
    tls.update({k: kwargs.pop(k) for k in list(kwargs) if k.startswith("ssl")})
    files: dict[str, str] = {}
    verify = disabled = False
    for name, value in tls.items():
        if value in (None, False, ""):
            continue
        if name in _MYSQL_TLS_FILES:
            files[_MYSQL_TLS_FILES[name]] = str(value)
        elif name in ("ssl_verify_cert", "ssl_verify_identity", "ssl_check_hostname"):
            verify = True
        elif name == "ssl_disabled":
            disabled = True
        else:
            raise ClientSettingError(
                f"The connection setting `{name}` cannot be passed to mariadb-dump/mariadb; no backup was "
                "taken rather than one made over a less secure connection."
            )
    # the URL's TLS parameters that the connector leaves out, with Prisma's (libpq's) meaning
    p = url.params
    for param, option in (("sslrootcert", "--ssl-ca"), ("sslkey", "--ssl-key")):
        if p.get(param):
            files.setdefault(option, p[param])
    verify = verify or p.get("sslaccept") == "strict"
    disabled = not verify and not files and (disabled or p.get("sslmode") == "disable")
    args = [f"{option}={path}" for option, path in files.items()]
    if disabled:
        args.append("--skip-ssl")
    elif files or verify or p.get("sslmode") == "require":
        args.append("--ssl")
    if verify:
        args.append("--ssl-verify-server-cert")
    return args


_MYSQL_TLS_FILES = {
    "ssl_ca": "--ssl-ca",
    "ssl_capath": "--ssl-capath",
    "ssl_cert": "--ssl-cert",
    "ssl_key": "--ssl-key",
    "ssl_cipher": "--ssl-cipher",
}


def _refuse_pkcs12(url: ConnectionUrl, tools: str) -> None:
    if url.params.get("sslidentity"):
        raise ClientSettingError(
            f"The URL names a PKCS#12 client identity (`sslidentity`), which {tools} cannot read "
            "(they take PEM files). No backup was taken: the tools would connect without the client "
            "certificate. Convert it to PEM (`openssl pkcs12 -in identity.p12 -nodes -out client.pem`) "
            "and give it to the tools (PGSSLCERT/PGSSLKEY, or ssl-cert/ssl-key in a MySQL option file), "
            "or back up through a URL without `sslidentity`."
        )
