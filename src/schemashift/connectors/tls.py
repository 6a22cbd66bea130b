"""TLS settings of a server URL: Prisma's URL parameters, read and checked in this one place.

:func:`tls_settings` turns a :class:`ConnectionUrl`'s query parameters into a frozen
:class:`TlsSettings`; the drivers take it through :meth:`TlsSettings.libpq_params` (psycopg) and
:meth:`TlsSettings.ssl_context` (PyMySQL), the command-line tools through
:meth:`TlsSettings.libpq_env` (``pg_dump``, ``psql``) and :meth:`TlsSettings.mariadb_client_options`
(``mariadb-dump``). Prisma's meanings, for PostgreSQL and MySQL alike:

==================  =============================================================================
``sslmode``         ``disable``, ``prefer`` (default), ``require``; libpq's ``verify-ca`` and
                    ``verify-full`` are accepted too (= ``require`` plus verification)
``sslcert``         the CA certificate (PEM) the server's certificate must chain to (Prisma's
                    meaning, *not* libpq's client certificate); ``sslrootcert`` is an alias
``sslidentity``     the client identity: a PKCS#12 file (Prisma), or a PEM certificate whose
                    private key is in ``sslkey``
``sslpassword``     the password of the PKCS#12 file (or of the encrypted PEM key)
``sslaccept``       ``strict`` (verify the certificate chain and the host name) or
                    ``accept_invalid_certs`` (encrypt, verify nothing: Prisma's default)
``sslcrl``          PostgreSQL: a certificate revocation list (libpq)
==================  =============================================================================

Stricter than Prisma, on purpose: a URL that asks for TLS (``sslmode=require``/``verify-*``,
``sslaccept``, or any certificate, identity or password parameter) gets TLS or an error, never a
plain connection (Prisma's PostgreSQL driver falls back to plain text under the default
``prefer``); a CA certificate given without ``sslaccept`` is verified against (libpq does the
same), where Prisma would ignore it; unknown values and contradictions are P1013 errors.
A missing or unreadable file is P1013 before any connection is tried.
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConnectorError, InvalidUrl
from .url import ConnectionUrl

Mode = Literal["disable", "prefer", "require"]
#: What is checked of the server's certificate: nothing, the chain (to ``ca_file`` or the system
#: trust store), or the chain and the host name.
Verify = Literal["none", "ca", "full"]

_INVALID = "The provided database string is invalid."
_MODES: dict[str, tuple[Mode, Verify | None]] = {
    "disable": ("disable", None),
    "allow": ("prefer", None),
    "prefer": ("prefer", None),
    "require": ("require", None),
    "verify-ca": ("require", "ca"),
    "verify-full": ("require", "full"),
}
_ACCEPT: dict[str, Verify] = {"strict": "full", "accept_invalid_certs": "none"}
#: The parameters that name a file, per provider.
FILE_PARAMS: Mapping[str, tuple[str, ...]] = {
    "postgresql": ("sslcert", "sslrootcert", "sslidentity", "sslkey", "sslcrl"),
    "mysql": ("sslcert", "sslrootcert", "sslidentity", "sslkey"),
}
#: libpq's ``sslrootcert=system``: the system's trust store, not a file.
_SYSTEM = "system"
#: Parameters whose presence asks for TLS (``sslmode`` counts by its value).
_ASKING = ("sslaccept", "sslcert", "sslrootcert", "sslidentity", "sslkey", "sslpassword", "sslcrl")


class TlsError(ConnectorError):
    """The TLS handshake failed or the server offers no TLS (Prisma's P1011). Not retried by
    ``migrate deploy --wait``: waiting does not fix a certificate."""

    code = "P1011"


@dataclass(frozen=True)
class TlsSettings:
    """The TLS a connection must use. ``mode``: ``disable`` (plain text), ``prefer`` (the
    driver's default: TLS when the server offers it, unverified) or ``require`` (TLS or an
    error). Paths are absolute (relative ones are taken from the schema's folder)."""

    mode: Mode = "prefer"
    verify: Verify = "none"
    #: The CA certificate; None with ``verify != "none"``: the system's trust store.
    ca_file: Path | None = None
    #: The client certificate: PKCS#12 when ``key_file`` is None, else PEM.
    identity_file: Path | None = None
    key_file: Path | None = None
    password: str | None = field(default=None, repr=False)
    crl_file: Path | None = None

    @property
    def required(self) -> bool:
        return self.mode == "require"

    def describe(self) -> str:
        """One line for messages: what was asked for (never the password)."""
        if self.mode != "require":
            return f"sslmode={self.mode}"
        against = f"`{self.ca_file}`" if self.ca_file else "the system's trust store"
        check = {
            "none": "without verifying the server's certificate",
            "ca": f"verifying the server's certificate against {against}",
            "full": f"verifying the server's certificate and host name against {against}",
        }[self.verify]
        return f"TLS required, {check}"

    # ------------------------------------------------------------------ client identity as PEM

    @contextmanager
    def client_pem(self, encrypted_key: bool = True) -> Iterator[tuple[Path, Path, str | None] | None]:
        """``(certificate, key, key password)`` PEM files of the client identity while the block
        runs (for libpq and ``ssl.SSLContext.load_cert_chain``, which read PEM only), or None.
        A PKCS#12 identity is written to a private temporary folder, its key encrypted with
        ``sslpassword`` (or a random password; in clear only with ``encrypted_key=False``, for
        tools that cannot be given a key password), and removed afterwards."""
        if self.identity_file is None:
            yield None
            return
        if self.key_file is not None:
            yield self.identity_file, self.key_file, self.password
            return
        cert_pem, key_pem, password = _pkcs12_to_pem(self.identity_file, self.password, encrypted_key)
        with tempfile.TemporaryDirectory(prefix="schemashift-tls-") as folder:  # mode 0700
            cert, key = Path(folder) / "client.crt", Path(folder) / "client.key"
            for path, data in ((cert, cert_pem), (key, key_pem)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
            yield cert, key, password

    # ------------------------------------------------------------------ the drivers' forms

    @contextmanager
    def libpq_params(self) -> Iterator[dict[str, str]]:
        """libpq's connection options (psycopg's keyword arguments), valid while the block runs
        (a PKCS#12 identity's PEM files exist that long; the tools take :meth:`libpq_env`)."""
        params: dict[str, str] = {}
        if self.mode == "disable":
            params["sslmode"] = "disable"
        elif self.mode == "prefer":
            pass  # libpq's default, and a PGSSLMODE in the environment still applies
        elif self.verify == "none":  # (libpq still verifies against a ~/.postgresql/root.crt it finds)
            params["sslmode"] = "require"
        elif self.ca_file is None:  # the system's trust store: libpq allows it with verify-full only
            params["sslmode"], params["sslrootcert"] = "verify-full", _SYSTEM
        else:
            params["sslmode"] = "verify-full" if self.verify == "full" else "verify-ca"
            params["sslrootcert"] = str(self.ca_file)
        if self.crl_file is not None:
            params["sslcrl"] = str(self.crl_file)
        with self.client_pem() as pem:
            if pem is not None:
                params["sslcert"], params["sslkey"] = str(pem[0]), str(pem[1])
                if pem[2] is not None:
                    params["sslpassword"] = pem[2]
            yield params

    @contextmanager
    def libpq_env(self) -> Iterator[dict[str, str]]:
        """Environment variables that give libpq's command-line tools (``pg_dump``,
        ``pg_restore``, ``psql``) these settings while the block runs (``PGSSLMODE``,
        ``PGSSLROOTCERT``...). A key password has no variable: it goes through a private service
        file (``PGSERVICEFILE`` + ``PGSERVICE``), never the command line."""
        with self.libpq_params() as params, tempfile.TemporaryDirectory(prefix="schemashift-tls-") as folder:
            env = {f"PG{name.upper()}": value for name, value in params.items() if name != "sslpassword"}
            if "sslpassword" in params:
                if "\n" in params["sslpassword"]:
                    raise InvalidUrl(f"{_INVALID} `sslpassword` cannot contain a line break.")
                service = Path(folder) / "pg_service.conf"
                fd = os.open(service, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as out:
                    out.write(f"[schemashift]\nsslpassword={params['sslpassword']}\n")
                env["PGSERVICEFILE"], env["PGSERVICE"] = str(service), "schemashift"
            yield env

    @contextmanager
    def mariadb_client_options(self) -> Iterator[list[str]]:
        """Options for MariaDB's command-line tools (``mariadb-dump``, ``mariadb``) while the
        block runs. Their client verifies the certificate together with the host name
        (``--ssl-verify-server-cert``), so ``verify="ca"`` is checked as ``full`` there; it takes
        no key password, so a PKCS#12 key is written in clear to a private temporary folder
        for the block's duration."""
        if self.mode == "disable":
            yield ["--skip-ssl"]
            return
        if self.mode != "require":
            yield []
            return
        options = ["--ssl"]
        if self.ca_file is not None:
            options.append(f"--ssl-ca={self.ca_file}")
        if self.verify != "none":
            options.append("--ssl-verify-server-cert")
        with self.client_pem(encrypted_key=False) as pem:
            if pem is not None:
                if pem[2] is not None and self.key_file is not None:
                    raise InvalidUrl(
                        f"{_INVALID} MariaDB's client tools cannot read the encrypted key `{self.key_file}`:"
                        " give the identity as a PKCS#12 file in `sslidentity`."
                    )
                options += [f"--ssl-cert={pem[0]}", f"--ssl-key={pem[1]}"]
            yield options

    def ssl_context(self) -> ssl.SSLContext | None:
        """The context for a required TLS connection (PyMySQL's ``ssl=``), None otherwise."""
        if self.mode != "require":
            return None
        try:
            ctx = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        except ssl.SSLError as exc:
            raise InvalidUrl(f"{_INVALID} `{self.ca_file}` is not a PEM CA certificate: {exc.reason or exc}.") from None
        # certificates made by `mariadb-install-db`/`mysql_ssl_rsa_setup` fail Python 3.13's strict X.509 checks
        ctx.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        ctx.check_hostname = self.verify == "full"
        ctx.verify_mode = ssl.CERT_NONE if self.verify == "none" else ssl.CERT_REQUIRED
        with self.client_pem() as pem:
            if pem is not None:
                try:
                    ctx.load_cert_chain(pem[0], pem[1], password=pem[2] or None)
                except (ssl.SSLError, OSError) as exc:
                    raise InvalidUrl(
                        f"{_INVALID} The client certificate `{self.identity_file}` (with `sslkey`"
                        f" `{self.key_file}`) cannot be used: {getattr(exc, 'reason', None) or exc}."
                    ) from None
        return ctx

    def handshake_error(self, url: ConnectionUrl, driver_message: str) -> TlsError:
        """P1011 for a TLS failure the driver reported (the message keeps the driver's reason)."""
        reason = driver_message.strip().splitlines()[0] if driver_message.strip() else "unknown reason"
        return TlsError(
            f"Error opening a TLS connection to the database server at `{url.host}:{url.port}`: {reason}\n\n"
            f"The URL asks for {self.describe()}.",
            secrets=url.secrets,
        )


def is_tls_failure(driver_message: str) -> bool:
    """Whether a connection failure the driver could not otherwise explain (not an
    authentication or missing-database error: check those first) is about TLS."""
    text = driver_message.lower()
    return any(word in text for word in ("ssl", "certificate", "does not match host name", "tlsv1 alert"))


def tls_settings(url: ConnectionUrl) -> TlsSettings:
    """The URL's TLS settings; :class:`InvalidUrl` (P1013) on an unknown value, a contradiction,
    or a missing/unreadable file (naming the parameter and the path)."""
    if url.provider not in FILE_PARAMS:
        return TlsSettings(mode="disable")
    params = url.params
    files = _files(url)
    raw_mode = params.get("sslmode", "").strip().lower()
    if raw_mode and raw_mode not in _MODES:
        raise InvalidUrl(f"{_INVALID} `sslmode={params['sslmode']}` is not one of {_choices(_MODES)}.")
    raw_accept = params.get("sslaccept", "").strip().lower()
    if "sslaccept" in params and raw_accept not in _ACCEPT:
        raise InvalidUrl(f"{_INVALID} `sslaccept={params['sslaccept']}` is not one of {_choices(_ACCEPT)}.")
    asking = [name for name in _ASKING if params.get(name)]
    mode, mode_verify = _MODES[raw_mode] if raw_mode else ("prefer", None)
    if mode == "disable" and asking:
        raise InvalidUrl(f"{_INVALID} `sslmode=disable` contradicts `{asking[0]}`, which asks for TLS.")
    if asking:
        mode = "require"
    ca_file = _one_ca(url, files)
    verify: Verify = "none"
    if raw_accept:
        verify = _ACCEPT[raw_accept]
        if mode_verify is not None and verify == "none":
            raise InvalidUrl(f"{_INVALID} `sslmode={raw_mode}` contradicts `sslaccept=accept_invalid_certs`.")
        if mode_verify == "ca" and raw_accept == "strict":
            verify = "full"
    elif mode_verify is not None:
        verify = mode_verify
    elif ca_file is not None or params.get("sslrootcert") == _SYSTEM:
        verify = "ca"
    identity, key = files.get("sslidentity"), files.get("sslkey")
    if key is not None and identity is None:
        raise InvalidUrl(
            f"{_INVALID} `sslkey` needs `sslidentity`, the client certificate it belongs to (in Prisma"
            " URLs `sslcert` is the CA certificate, not the client's)."
        )
    if identity is not None and key is None and _is_pem(identity):
        raise InvalidUrl(
            f"{_INVALID} `sslidentity` `{identity}` is a PEM certificate: give its private key as `sslkey`,"
            " or a PKCS#12 file as `sslidentity`."
        )
    return TlsSettings(
        mode=mode,
        verify=verify,
        ca_file=ca_file,
        identity_file=identity,
        key_file=key,
        password=params.get("sslpassword") or None,
        crl_file=files.get("sslcrl"),
    )


def _choices(values: Mapping[str, object]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _one_ca(url: ConnectionUrl, files: Mapping[str, Path]) -> Path | None:
    cert, root = files.get("sslcert"), files.get("sslrootcert")
    if cert is not None and root is not None and cert.resolve() != root.resolve():
        raise InvalidUrl(
            f"{_INVALID} `sslcert` (`{cert}`) and `sslrootcert` (`{root}`) both name the CA certificate"
            " (Prisma's `sslcert` is the CA, libpq's name for it is `sslrootcert`) but differ: give one."
        )
    return cert or root


def _files(url: ConnectionUrl) -> dict[str, Path]:
    """The files the URL names, resolved against the schema's folder, each checked readable."""
    files: dict[str, Path] = {}
    for name in FILE_PARAMS[url.provider]:
        raw = url.params.get(name, "")
        if not raw or (name == "sslrootcert" and raw == _SYSTEM):
            continue
        path = Path(raw).expanduser()
        if not path.is_absolute() and url.base_dir is not None:
            path = url.base_dir / path
        try:
            with open(path, "rb"):
                pass
        except FileNotFoundError:
            raise InvalidUrl(f"{_INVALID} The file `{path}` given as `{name}` does not exist.") from None
        except IsADirectoryError:
            raise InvalidUrl(f"{_INVALID} `{name}` must name a file, and `{path}` is a folder.") from None
        except OSError as exc:
            raise InvalidUrl(f"{_INVALID} The file `{path}` given as `{name}` cannot be read: {exc.strerror}.") from None
        files[name] = path.absolute()
    return files


def _is_pem(path: Path) -> bool:
    with open(path, "rb") as handle:
        return b"-----BEGIN" in handle.read(4096)


def _pkcs12_to_pem(path: Path, password: str | None, encrypted_key: bool) -> tuple[bytes, bytes, str | None]:
    """Certificate chain and key (PEM, encrypted unless told) of a PKCS#12 file, and the key's
    password (None for a key in clear)."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:
        from schemashift.extras import missing

        raise missing("cryptography") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode() if password else None)
    except ValueError:
        raise InvalidUrl(
            f"{_INVALID} `sslidentity` `{path}` is not a PKCS#12 file, or `sslpassword` is not its password."
        ) from None
    if key is None or cert is None:
        raise InvalidUrl(f"{_INVALID} `sslidentity` `{path}` holds no client certificate with its private key.")
    key_password = (password or secrets.token_urlsafe(24)) if encrypted_key else None
    protection: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(key_password.encode()) if key_password else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection)
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *(extra or [])])
    return chain, key_pem, key_password
