"""Errors raised by the connectors, with Prisma's user-facing codes where Prisma has one.

Every message goes through :func:`schemashift.errors.redact` before it is stored, so a password
that a driver echoes back never reaches a log, a traceback or the terminal. The code is
:attr:`SchemashiftError.code <schemashift.errors.SchemashiftError.code>`, rendered by
:func:`schemashift.errors.render_error` like every other error's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from schemashift.errors import SchemashiftError, redact

if TYPE_CHECKING:
    from .url import ConnectionUrl


class ConnectorError(SchemashiftError):
    """Root of the connector errors. ``code`` is a Prisma error code (``P1001``) or None; failures
    to connect print it on one line, as Prisma's connection check does."""

    one_line = True

    def __init__(self, message: str, *, code: str | None = None, secrets: Iterable[str] = ()) -> None:
        super().__init__(redact(message, secrets), code=code)


class InvalidUrl(ConnectorError):
    code = "P1013"


class AuthenticationFailed(ConnectorError):
    code = "P1000"


class ServerUnreachable(ConnectorError):
    code = "P1001"


class ServerTimeout(ConnectorError):
    code = "P1002"


class DatabaseDoesNotExist(ConnectorError):
    code = "P1003"


class DatabaseAlreadyExists(ConnectorError):
    code = "P1009"


class AccessDenied(ConnectorError):
    code = "P1010"


class ConnectionClosed(ConnectorError):
    code = "P1017"


class LockTimeout(ConnectorError):
    """The migration advisory lock was not obtained in time (Prisma reports it as P1002, from the
    engine: code, blank line, message)."""

    code = "P1002"
    one_line = False


class DatabaseError(ConnectorError):
    """A statement failed on the server.

    ``db_code`` is the database's own code (SQLSTATE on PostgreSQL, the error number on MySQL,
    the extended result code name on SQLite); ``statement_index`` is the 0-based index of the
    failing statement when a script was split client-side (MySQL), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        db_code: str | None = None,
        statement_index: int | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        super().__init__(message, secrets=secrets)
        self.db_code = db_code
        self.statement_index = statement_index

    def __str__(self) -> str:
        """The message with the database's own code; the CLI prints the message alone, as Prisma
        does (``Error: ERROR: syntax error at or near "SELEC"``)."""
        prefix = f"Database error code: {self.db_code}\n\n" if self.db_code else ""
        return f"{prefix}{self.message}"


# ---------------------------------------------------------------- Prisma's connection failures (server connectors)


def authentication_failed(url: ConnectionUrl) -> AuthenticationFailed:
    return AuthenticationFailed(
        f"Authentication failed against database server at `{url.host}`, the provided database"
        f" credentials for `{url.user}` are not valid.\n\nPlease make sure to provide valid database"
        f" credentials for the database server at `{url.host}`.",
        secrets=url.secrets,
    )


def database_does_not_exist(url: ConnectionUrl, database: str | None) -> DatabaseDoesNotExist:
    return DatabaseDoesNotExist(
        f"Database `{database}` does not exist on the database server at `{url.host}:{url.port}`.",
        secrets=url.secrets,
    )


def access_denied(url: ConnectionUrl, database: str | None) -> AccessDenied:
    return AccessDenied(f"User `{url.user}` was denied access on the database `{database}`", secrets=url.secrets)


def server_unreachable(url: ConnectionUrl) -> ServerUnreachable:
    where = f"`{url.host}`:`{url.port}`"
    return ServerUnreachable(
        f"Can't reach database server at {where}\n\nPlease make sure your database server is running at {where}.",
        secrets=url.secrets,
    )


def server_starting(url: ConnectionUrl) -> ServerUnreachable:
    where = f"`{url.host}`:`{url.port}`"
    return ServerUnreachable(
        f"The database server at {where} is starting up and does not accept connections yet.\n\n"
        "Please try again in a moment (`migrate deploy --wait` waits for it).",
        secrets=url.secrets,
    )


#: Failures to connect that a server still starting gives (``migrate deploy --wait`` retries them).
RETRYABLE_CONNECT = (ServerUnreachable, ServerTimeout, ConnectionClosed)

