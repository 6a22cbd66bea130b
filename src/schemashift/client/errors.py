"""Errors the generated client raises, with Prisma's error codes where Prisma has one."""

from __future__ import annotations

__all__ = [
    "ClientError",
    "ClientValidationError",
    "RecordNotFoundError",
    "UniqueConstraintError",
    "ForeignKeyConstraintError",
    "NullConstraintError",
    "DatabaseError",
    "TransactionStartError",
]


class ClientError(Exception):
    code: str | None = None

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ClientValidationError(ClientError):
    """The arguments do not fit the schema (an unknown field, a missing unique criterion...)."""


class RecordNotFoundError(ClientError):
    code = "P2025"


class UniqueConstraintError(ClientError):
    code = "P2002"


class ForeignKeyConstraintError(ClientError):
    code = "P2003"


class NullConstraintError(ClientError):
    code = "P2011"


class DatabaseError(ClientError):
    """Any other error the database reported."""


class TransactionStartError(ClientError):
    """No connection for a transaction within its ``max_wait`` (Prisma's P2028)."""

    code = "P2028"

    def __init__(self) -> None:
        super().__init__("Transaction API error: Unable to start a transaction in the given time.")
