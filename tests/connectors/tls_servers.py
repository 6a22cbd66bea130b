"""Throwaway PostgreSQL and MariaDB servers with TLS, for tests/connectors/test_tls.py.

Each server gets its own temporary folder, a free port on 127.0.0.1 only, a certificate signed by
a throwaway CA (made with the ``cryptography`` package: no ``openssl`` command needed), and runs
as the unprivileged ``postgres`` / ``mysql`` user when the tests run as root (both servers refuse
root). The shared servers on 5432/3306 are never touched. :func:`stop` ends the server process
this module started (by its id) and removes the folder.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

START_TIMEOUT = 30.0
IDENTITY_PASSWORD = "p12-secret"


class CannotStart(Exception):
    """The binaries exist but the server did not come up (the message has its log's tail)."""


@dataclass(frozen=True)
class Certificates:
    folder: Path
    ca: Path  # the CA that signed the servers' certificates
    other_ca: Path  # a CA that signed nothing here ("wrong CA")
    server_cert: Path
    server_key: Path
    client_p12: Path  # CN=tlsclient, signed by `ca`, protected by IDENTITY_PASSWORD
    client_cert: Path
    client_key: Path  # unencrypted PEM


@dataclass
class Server:
    kind: str
    port: int
    folder: Path
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            # PostgreSQL: SIGINT = fast shutdown; MariaDB: SIGTERM = normal shutdown
            self.process.send_signal(signal.SIGINT if self.kind == "postgresql" else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<v>/bin`` with initdb and postgres, else from PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for folder in reversed(candidates):
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    return Path(initdb).parent if initdb and postgres else None


def mariadb_bins() -> tuple[str, str] | None:
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin")
    install = shutil.which("mariadb-install-db")
    return (server, install) if server and install else None


def make_certificates(folder: Path) -> Certificates:
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, ca_cert = _ca("schemashift test CA", now)
    other_key, other_cert = _ca("schemashift unrelated CA", now)
    del other_key
    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server_cert = _leaf(server_key, "localhost", ca_key, ca_cert, now, x509.SubjectAlternativeName(names))
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = _leaf(client_key, "tlsclient", ca_key, ca_cert, now, None)
    paths = Certificates(
        folder=folder,
        ca=folder / "ca.crt",
        other_ca=folder / "other-ca.crt",
        server_cert=folder / "server.crt",
        server_key=folder / "server.key",
        client_p12=folder / "client.p12",
        client_cert=folder / "client.crt",
        client_key=folder / "client.key",
    )
    pem = serialization.Encoding.PEM
    unencrypted = (pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    paths.ca.write_bytes(ca_cert.public_bytes(pem))
    paths.other_ca.write_bytes(other_cert.public_bytes(pem))
    paths.server_cert.write_bytes(server_cert.public_bytes(pem))
    paths.server_key.write_bytes(server_key.private_bytes(*unencrypted))
    paths.client_cert.write_bytes(client_cert.public_bytes(pem))
    paths.client_key.write_bytes(client_key.private_bytes(*unencrypted))
    paths.client_p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"tlsclient", client_key, client_cert, None, serialization.BestAvailableEncryption(IDENTITY_PASSWORD.encode())
        )
    )
    for path in (paths.server_key, paths.client_key, paths.client_p12):
        path.chmod(0o600)
    return paths


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: str, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, now: datetime.datetime, ca: bool) -> x509.CertificateBuilder:
    """A certificate valid from 5 minutes ago for 2 days."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )


def _ca(common_name: str, now: datetime.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)  # cert and CRL signing
    cert = (
        _builder(common_name, _name(common_name), key, now, ca=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    key: ec.EllipticCurvePrivateKey,
    common_name: str,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    now: datetime.datetime,
    san: x509.SubjectAlternativeName | None,
) -> x509.Certificate:
    builder = _builder(common_name, ca_cert.subject, key, now, ca=False).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
    )
    if san is not None:
        builder = builder.add_extension(san, critical=False)
    return builder.sign(ca_key, hashes.SHA256())


# ---------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user(name: str) -> dict[str, object]:
    """Popen arguments that run the server as ``name`` when we are root (else as ourselves)."""
    if os.geteuid() != 0:
        return {}
    entry = _user(name)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise CannotStart(f"running as root, and there is no `{name}` user to run the server as") from None


def _own(paths: list[Path], user: str) -> None:
    if os.geteuid() == 0:
        entry = _user(user)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def _prepare(kind: str, certs: Certificates, user: str) -> tuple[Path, Path, tuple[Path, Path, Path]]:
    """The server's folder, its empty data folder (owned by ``user``), and its own copies of
    the certificate, key and CA (readable by ``user`` only)."""
    # not under pytest's tmp folder: /tmp/pytest-of-root is 0700, the server's user could not enter it
    folder = Path(tempfile.mkdtemp(prefix=f"schemashift-tls-{kind}-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir()
    copies = []
    for source in (certs.server_cert, certs.server_key, certs.ca):
        target = folder / source.name
        shutil.copyfile(source, target)
        target.chmod(0o600)
        copies.append(target)
    _own([data, *copies], user)
    return folder, data, (copies[0], copies[1], copies[2])


def _run(argv: list[str], user: str | None, log: Path) -> None:
    """Run ``argv`` to its end, as ``user`` (None: as ourselves)."""
    as_user = _as_user(user) if user else {}
    with open(log, "wb") as out:
        code = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, **as_user).returncode  # type: ignore[call-overload]
    if code != 0:
        raise CannotStart(f"{argv[0]} failed (exit {code}):\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    except OSError:
        return "(no log)"


def _wait(server: Server, ready: object, log: Path) -> Server:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            text = _tail(log)
            server.stop()
            raise CannotStart(f"{server.kind} exited with {server.process.returncode}:\n{text}")
        try:
            if ready():  # type: ignore[operator]
                return server
        except Exception:
            pass
        time.sleep(0.1)
    text = _tail(log)
    server.stop()
    raise CannotStart(f"{server.kind} did not accept connections within {START_TIMEOUT:.0f} s:\n{text}")


def start_postgres(bin_dir: Path, certs: Certificates) -> Server:
    """initdb + postgres with ``ssl=on``, TLS required on TCP, client certificates requested (not
    required), connections logged (``log_connections``) to ``server.log``."""
    import psycopg

    folder, data, (cert, key, ca) = _prepare("postgres", certs, "postgres")
    _run(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
        "postgres",
        folder / "initdb.log",
    )
    # TCP only with TLS: a plain connection is refused by the server itself
    (data / "pg_hba.conf").write_text(
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
    )
    port, log = _free_port(), folder / "server.log"
    argv = [
        str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
        "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
        "-c", "ssl=on", "-c", f"ssl_cert_file={cert}", "-c", f"ssl_key_file={key}", "-c", f"ssl_ca_file={ca}",
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "shared_buffers=16MB", "-c", "max_connections=40", "-c", "log_connections=on",
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **_as_user("postgres"))  # type: ignore[call-overload]
    server = Server("postgresql", port, folder, process, log)

    def ready() -> bool:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="require", connect_timeout=2):
            return True

    return _wait(server, ready, log)


def start_mariadb(server_bin: str, install_bin: str, certs: Certificates) -> Server:
    """mariadb-install-db + mariadbd with TLS required on TCP (root@127.0.0.1 without a password)."""
    import pymysql

    folder, data, (cert, key, ca) = _prepare("mariadb", certs, "mysql")
    _run(
        [install_bin, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
         "--skip-test-db", "--skip-name-resolve", *(["--user=mysql"] if os.geteuid() == 0 else [])],
        None,  # it drops to --user=mysql itself
        folder / "install.log",
    )  # fmt: skip
    port, log = _free_port(), data / "server.log"  # the folders mysql may write to
    argv = [
        server_bin, "--no-defaults", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
        f"--socket={data / 'mysqld.sock'}", f"--pid-file={data / 'mysqld.pid'}", f"--log-error={log}",
        f"--ssl-cert={cert}", f"--ssl-key={key}", f"--ssl-ca={ca}", "--require-secure-transport=ON", "--skip-name-resolve",
        "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
    ]  # fmt: skip
    if os.geteuid() == 0:
        argv.append("--user=mysql")  # mariadbd drops to it itself
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server("mysql", port, folder, process, log)

    def ready() -> bool:
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
        pymysql.connect(host="127.0.0.1", port=port, user="root", password="", ssl=unverified, connect_timeout=2).close()
        return True

    return _wait(server, ready, log)
