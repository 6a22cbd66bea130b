"""Optional dependencies: which extra installs which module, and the error when one is missing.

The core (``pip install schemashift``) needs only click and python-dotenv and works on SQLite. The
drivers come with extras (``pyproject.toml``)::

    schemashift[postgres]   psycopg 3 (binary) + pglast (PostgreSQL's parser: scripts are split
                            and planned with it, so deploy needs it); greenlet for the
                            generated async client
    schemashift[mysql]      PyMySQL, with cryptography for MySQL 8's RSA password exchange;
                            asyncmy and greenlet for the generated async client
    schemashift[tls]        cryptography: PKCS#12 client identities (``sslidentity``)
    schemashift[lint]       pglast: `migrate lint` on PostgreSQL scripts
    schemashift[all]        all of the above

Every import of these modules is guarded where it happens: ``except ImportError: raise
missing("psycopg") from None``. The error is one line with the install command, exit code
:data:`EXIT_MISSING_DEPENDENCY` (3), never a traceback.
"""

from __future__ import annotations

from schemashift.errors import SchemashiftError

EXIT_MISSING_DEPENDENCY = 3

# import name -> (extra, what it is for)
EXTRAS: dict[str, tuple[str, str]] = {
    "psycopg": ("postgres", "The PostgreSQL driver (psycopg)"),
    "pglast": ("postgres", "PostgreSQL's SQL parser (pglast)"),
    "pymysql": ("mysql", "The MySQL/MariaDB driver (PyMySQL)"),
    "asyncmy": ("mysql", "The async client's MySQL/MariaDB driver (asyncmy)"),
    "greenlet": ("postgres", "The async client's bridge to asyncio (greenlet)"),
    "cryptography": ("tls", "The `cryptography` package (PKCS#12 client identities, `sslidentity`)"),
}


class MissingDependencyError(SchemashiftError):
    """An optional dependency is not installed; the message says which extra installs it."""

    def __init__(self, module: str, extra: str | None = None) -> None:
        default_extra, what = EXTRAS.get(module, ("all", f"The `{module}` package"))
        self.module = module
        self.extra = extra or default_extra
        super().__init__(
            f"{what} is not installed. Install it with: pip install 'schemashift[{self.extra}]'",
            EXIT_MISSING_DEPENDENCY,
        )


def missing(module: str, extra: str | None = None) -> MissingDependencyError:
    """The error to raise when ``import module`` failed: ``raise missing("psycopg") from None``."""
    return MissingDependencyError(module, extra)
