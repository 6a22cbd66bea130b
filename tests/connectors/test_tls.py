"""TLS from the URL's parameters (connectors/tls.py): Prisma's meanings, checked input, and the
server's own view of the connection (``pg_stat_ssl``, ``Ssl_cipher``) for ``migrate deploy``,
``db pull`` and the generated client.

The TLS servers are throwaway PostgreSQL and MariaDB instances started once per session (under
pytest-xdist: once per worker that runs one of these tests; see ``tls_servers.py``); they refuse
plain TCP connections. The plain-server cases use the shared test
servers (no TLS there), through the ``postgres_url`` / ``mysql_url`` fixtures.
"""

from __future__ import annotations

import importlib
import os
import ssl
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import dbutil

if dbutil.servers_required():
    import cryptography  # noqa: F401  (a test extra: fail, not skip, when servers are required)
else:
    pytest.importorskip("cryptography", reason="the `cryptography` package (test extra) makes the test certificates")

import tls_servers  # noqa: E402
from schemashift.connectors import connect, parse_url  # noqa: E402
from schemashift.connectors.errors import InvalidUrl  # noqa: E402
from schemashift.connectors.tls import TlsError, tls_settings  # noqa: E402

PG_VIEW = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
MYSQL_VIEW = "SHOW SESSION STATUS LIKE 'Ssl_cipher'"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tls_servers.Certificates:
    return tls_servers.make_certificates(tmp_path_factory.mktemp("tls") / "certs")


def _start(what: str, start: Callable[[], tls_servers.Server]) -> Iterator[tls_servers.Server]:
    try:
        server = start()
    except tls_servers.CannotStart as exc:
        if dbutil.servers_required():
            pytest.fail(f"the throwaway {what} server with TLS did not start: {exc}", pytrace=False)
        pytest.skip(f"the throwaway {what} server with TLS did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tls_postgres(certs: tls_servers.Certificates) -> Iterator[tls_servers.Server]:
    bin_dir = tls_servers.postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin or on PATH")
    yield from _start("PostgreSQL", lambda: tls_servers.start_postgres(bin_dir, certs))


@pytest.fixture(scope="session")
def tls_mariadb(certs: tls_servers.Certificates) -> Iterator[tls_servers.Server]:
    bins = tls_servers.mariadb_bins()
    if bins is None:
        pytest.skip("MariaDB server binaries (mariadbd, mariadb-install-db) not found on PATH")
    yield from _start("MariaDB", lambda: tls_servers.start_mariadb(*bins, certs))


@pytest.fixture(params=["postgresql", "mysql"])
def tls_server(request: pytest.FixtureRequest) -> tls_servers.Server:
    return request.getfixturevalue("tls_postgres" if request.param == "postgresql" else "tls_mariadb")  # type: ignore[no-any-return]


def server_url(server: tls_servers.Server, query: str, database: str | None = None) -> str:
    database = database or f"tls_{uuid.uuid4().hex[:12]}"
    scheme, user = ("postgresql", "postgres") if server.kind == "postgresql" else ("mysql", "root")
    return f"{scheme}://{user}@127.0.0.1:{server.port}/{database}?{query}"


def encrypted(conn: Any, provider: str) -> bool:
    """The server's own view of this connection: TLS or not."""
    if provider == "postgresql":
        return bool(conn.query(PG_VIEW)[0][0])
    return bool(conn.query(MYSQL_VIEW)[0][1])


def ensure_database(url: str) -> None:
    from schemashift.connectors import create_database_if_missing

    create_database_if_missing(url)


# ---------------------------------------------------------------- the settings (no server)


@pytest.mark.parametrize(
    ("query", "mode", "verify", "has_ca"),
    [
        ("", "prefer", "none", False),
        ("sslmode=disable", "disable", "none", False),
        ("sslmode=require", "require", "none", False),
        ("sslaccept=strict", "require", "full", False),  # Prisma: strict alone asks for TLS
        ("sslaccept=accept_invalid_certs", "require", "none", False),
        ("sslcert=CA", "require", "ca", True),  # a CA given is verified against (like libpq)
        ("sslcert=CA&sslaccept=strict", "require", "full", True),
        ("sslcert=CA&sslaccept=accept_invalid_certs", "require", "none", True),
        ("sslrootcert=CA&sslmode=verify-ca", "require", "ca", True),
        ("sslrootcert=CA&sslmode=verify-full", "require", "full", True),
        ("sslmode=prefer&sslcert=CA", "require", "ca", True),  # a certificate asks for TLS
    ],
)
@pytest.mark.parametrize("provider", ["postgresql", "mysql"])
def test_prisma_parameters_become_typed_settings(
    provider: str, query: str, mode: str, verify: str, has_ca: bool, certs: tls_servers.Certificates
) -> None:
    url = parse_url(f"{provider}://u@h/db?{query.replace('CA', str(certs.ca))}")
    settings = tls_settings(url)
    assert (settings.mode, settings.verify, settings.ca_file) == (mode, verify, certs.ca if has_ca else None)
    with settings.libpq_params() as libpq:
        expected = {"none": ("require",), "ca": ("verify-ca",), "full": ("verify-full",)}[verify] if mode == "require" else (mode,)
        assert libpq.get("sslmode", "prefer") in expected  # prefer: libpq's default (PGSSLMODE may raise it)
        if mode == "require" and verify != "none":
            assert libpq["sslrootcert"] == (str(certs.ca) if has_ca else "system")
    context = settings.ssl_context()
    if mode != "require":
        assert context is None
    else:
        assert context is not None
        assert context.check_hostname is (verify == "full")
        assert context.verify_mode == (ssl.CERT_NONE if verify == "none" else ssl.CERT_REQUIRED)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sslmode=sometimes", "`sslmode=sometimes` is not one of `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`"),
        ("sslaccept=maybe", "`sslaccept=maybe` is not one of `strict`, `accept_invalid_certs`"),
        ("sslmode=disable&sslaccept=strict", "`sslmode=disable` contradicts `sslaccept`, which asks for TLS"),
        ("sslmode=verify-full&sslaccept=accept_invalid_certs", "`sslmode=verify-full` contradicts `sslaccept=accept_invalid_certs`"),
        ("sslkey=KEY", "`sslkey` needs `sslidentity`"),
        ("sslidentity=CERT", "is a PEM certificate: give its private key as `sslkey`"),
        ("sslcert=CA&sslrootcert=OTHER", "both name the CA certificate"),
        ("sslidentity=P12&sslpassword=wrong", "is not a PKCS#12 file, or `sslpassword` is not its password"),
        ("sslcert=MISSING", "given as `sslcert` does not exist"),
    ],
)
@pytest.mark.parametrize("provider", ["postgresql", "mysql"])
def test_wrong_tls_parameters_are_p1013(provider: str, query: str, message: str, certs: tls_servers.Certificates) -> None:
    paths = {"CA": certs.ca, "OTHER": certs.other_ca, "KEY": certs.client_key, "CERT": certs.client_cert,
             "P12": certs.client_p12, "MISSING": certs.folder / "missing.pem"}  # fmt: skip
    for name, path in paths.items():
        query = query.replace(name, str(path))
    url = parse_url(f"{provider}://u:pw@h/db?{query}")
    with pytest.raises(InvalidUrl) as info:
        settings = tls_settings(url)
        settings.ssl_context()  # the PKCS#12 file is read when the connection is made
    assert info.value.code == "P1013"
    assert message in info.value.message


def test_the_key_password_is_never_shown(certs: tls_servers.Certificates) -> None:
    url = parse_url(f"mysql://u:pw@h/db?sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}")
    settings = tls_settings(url)
    assert settings.password == tls_servers.IDENTITY_PASSWORD
    shown = [repr(settings), settings.describe(), url.redacted(), str(settings.handshake_error(url, f"echo {tls_servers.IDENTITY_PASSWORD}"))]
    assert all(tls_servers.IDENTITY_PASSWORD not in text for text in shown), shown
    assert "sslpassword=****" in url.redacted()


def test_a_pkcs12_identity_exists_as_pem_only_while_needed(certs: tls_servers.Certificates) -> None:
    settings = tls_settings(
        parse_url(f"postgresql://u@h/db?sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}")
    )
    with settings.libpq_params() as libpq:
        key = Path(libpq["sslkey"])
        assert key.stat().st_mode & 0o077 == 0
        assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()  # never written in clear
        assert Path(libpq["sslcert"]).read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert not key.exists() and not key.parent.exists()


# ---------------------------------------------------------------- against the TLS servers


@pytest.mark.parametrize("query", ["sslcert={ca}&sslaccept=strict", "sslrootcert={ca}&sslmode=verify-full"])
def test_verify_full_against_the_test_ca_is_encrypted(tls_server: tls_servers.Server, certs: tls_servers.Certificates, query: str) -> None:
    url = server_url(tls_server, query.format(ca=certs.ca))
    ensure_database(url)
    with connect(url) as conn:
        assert encrypted(conn, tls_server.kind)


def test_a_plain_connection_is_refused_by_the_tls_servers(tls_server: tls_servers.Server) -> None:
    """The control for the server-side checks below: these servers accept TLS only."""
    with pytest.raises(Exception) as info:
        connect(server_url(tls_server, "sslmode=disable", "postgres" if tls_server.kind == "postgresql" else "mysql"))
    assert not isinstance(info.value, TlsError)


def test_a_wrong_ca_fails_with_p1011_and_exit_1(tls_server: tls_servers.Server, certs: tls_servers.Certificates, tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    url = server_url(tls_server, f"sslcert={certs.other_ca}&sslaccept=strict")
    project = write_project(tmp_path, tls_server.kind, url, monkeypatch)
    result = run_cli("migrate", "deploy", "--schema", str(project))
    assert result.exit_code == 1, result.err
    assert "P1011" in result.err and "certificate verify failed" in result.err
    assert f"against `{certs.other_ca}`" in result.err
    assert "Traceback" not in result.err + result.out


def test_a_host_name_not_in_the_certificate_fails_strict(tls_postgres: tls_servers.Server, certs: tls_servers.Certificates) -> None:
    """The certificate names localhost and 127.0.0.1: reaching the same server as `db.invalid`
    (libpq's `hostaddr` gives the address) must fail the host name check of `strict`."""
    import psycopg

    from schemashift.connectors.postgres import _connect_kwargs

    url = parse_url(f"postgresql://postgres@127.0.0.1:{tls_postgres.port}/postgres?sslcert={certs.ca}&sslaccept=strict")
    with tls_settings(url).libpq_params() as libpq, pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect(**{**_connect_kwargs(url, "postgres", libpq), "host": "db.invalid", "hostaddr": "127.0.0.1"})
    assert "does not match host name" in str(info.value)


def test_missing_tls_file_fails_with_p1013_and_exit_1(tls_server: tls_servers.Server, certs: tls_servers.Certificates, tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    url = server_url(tls_server, "sslcert=certs/nope.pem&sslaccept=strict")
    project = write_project(tmp_path, tls_server.kind, url, monkeypatch)
    result = run_cli("migrate", "deploy", "--schema", str(project))
    assert result.exit_code == 1
    assert "P1013" in result.err
    assert f"`{tmp_path / 'prisma' / 'certs/nope.pem'}` given as `sslcert` does not exist" in result.err  # the schema's folder
    assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_strict_against_a_plain_server_fails_with_p1011_and_exit_1(provider: str, db_url: str, tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared servers have no TLS: Prisma's PostgreSQL driver would connect in plain text
    here (sslmode=prefer); asking for TLS must mean TLS or an error."""
    url = f"{db_url}{'&' if '?' in db_url else '?'}sslaccept=strict"
    project = write_project(tmp_path, provider, url, monkeypatch)
    result = run_cli("migrate", "deploy", "--schema", str(project))
    assert result.exit_code == 1, result.out
    assert "P1011" in result.err
    assert ("server does not support SSL" in result.err) if provider == "postgresql" else ("SSL is required" in result.err)
    assert "Traceback" not in result.err + result.out
    with connect(db_url) as conn:  # nothing was written over a plain connection
        here = "current_schema()" if provider == "postgresql" else "DATABASE()"
        assert conn.query(f"SELECT 1 FROM information_schema.tables WHERE table_schema = {here}") == []


# ---------------------------------------------------------------- the commands, seen from the server


SCHEMA = """\
generator client {{
  provider = "schemashift-py"
  output   = "../{package}"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

model Seen {{
  id     Int    @id
  tls    String
}}
"""


def write_project(root: Path, provider: str, url: str, monkeypatch: pytest.MonkeyPatch, package: str = "tlsclient") -> Path:
    """A schema with one migration that records the server's view of deploy's own connection."""
    view = (
        "INSERT INTO \"Seen\" (id, tls) SELECT 1, CASE WHEN ssl THEN 'on' ELSE 'off' END FROM pg_stat_ssl WHERE pid = pg_backend_pid();"
        if provider == "postgresql"
        else "INSERT INTO `Seen` (id, tls) SELECT 1, IF(VARIABLE_VALUE = '', 'off', 'on')"
        " FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER';"
    )
    create = (
        'CREATE TABLE "Seen" ("id" INTEGER NOT NULL, "tls" TEXT NOT NULL, CONSTRAINT "Seen_pkey" PRIMARY KEY ("id"));'
        if provider == "postgresql"
        else "CREATE TABLE `Seen` (`id` INTEGER NOT NULL, `tls` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`))"
        " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    )
    migration = root / "prisma/migrations/20260101000000_seen"
    migration.mkdir(parents=True)
    (migration / "migration.sql").write_text(f"{create}\n{view}\n")
    (root / "prisma/migrations/migration_lock.toml").write_text(f'provider = "{provider}"\n')
    schema = root / "prisma/schema.prisma"
    schema.write_text(SCHEMA.format(package=package, provider=provider))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(root)
    return schema


def test_deploy_pull_and_client_are_encrypted_seen_from_the_server(
    tls_server: tls_servers.Server, certs: tls_servers.Certificates, tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = tls_server.kind
    database = f"tls_{uuid.uuid4().hex[:12]}"
    # a relative CA path: taken from the schema's folder, as Prisma does
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/ca.pem").write_bytes(certs.ca.read_bytes())
    url = server_url(tls_server, "sslcert=ca.pem&sslaccept=strict", database)
    package = f"tlsclient_{uuid.uuid4().hex[:8]}"
    schema = write_project(tmp_path, provider, url, monkeypatch, package)

    deployed = run_cli("migrate", "deploy", "--schema", str(schema))
    assert deployed.exit_code == 0, deployed.err
    with connect(url, tmp_path / "prisma") as conn:
        assert conn.query('SELECT tls FROM "Seen"' if provider == "postgresql" else "SELECT tls FROM `Seen`") == [("on",)]

    # the dump tool connects as the migration did (connectors/tls.py's forms for pg_dump/mariadb-dump)
    backed_up = run_cli("backup", "create", "--schema", str(schema), "-o", str(tmp_path / "backups"))
    assert backed_up.exit_code == 0, backed_up.err
    assert any(p.name.startswith(database) for p in (tmp_path / "backups").iterdir())

    pulled = run_cli("db", "pull", "--print", "--schema", str(schema))
    assert pulled.exit_code == 0, pulled.err
    assert "model Seen" in pulled.out
    if provider == "postgresql":  # pull's and pg_dump's sessions, in the server's log (log_connections)
        lines = [line for line in tls_server.log.read_text().splitlines() if f"database={database}" in line and "authorized" in line]
        assert lines and all("SSL enabled" in line for line in lines), lines
    # (MariaDB refuses plain TCP here: --require-secure-transport, see the control test)

    generated = run_cli("generate", "--schema", str(schema))
    assert generated.exit_code == 0, generated.err
    sys.path.insert(0, str(tmp_path))
    try:
        client = importlib.import_module(package).Client()
    finally:
        sys.path.remove(str(tmp_path))
    try:
        assert client.seen.count() == 1
        raw = client._engine._raw  # the client's own driver connection
        if provider == "postgresql":
            assert raw.execute(PG_VIEW).fetchone() == (True,)
        else:
            with raw.cursor() as cur:
                cur.execute(MYSQL_VIEW)
                assert cur.fetchone()[1]
    finally:
        client.close()


# ---------------------------------------------------------------- client identities


@pytest.mark.parametrize("form", ["pkcs12", "pem"])
def test_client_identity_reaches_postgres(tls_postgres: tls_servers.Server, certs: tls_servers.Certificates, form: str) -> None:
    identity = (
        f"sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}"
        if form == "pkcs12"
        else f"sslidentity={certs.client_cert}&sslkey={certs.client_key}"
    )
    url = server_url(tls_postgres, f"sslcert={certs.ca}&sslaccept=strict&{identity}", "postgres")
    with connect(url) as conn:
        assert conn.query("SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == [(True, "/CN=tlsclient")]


@pytest.fixture(scope="session")
def mariadb_cert_user(tls_mariadb: tls_servers.Server, certs: tls_servers.Certificates) -> str:
    """A user the server lets in only with the test CA's `CN=tlsclient` certificate."""
    with connect(server_url(tls_mariadb, f"sslcert={certs.ca}", "mysql")) as conn:
        conn.execute("CREATE USER IF NOT EXISTS 'certuser'@'%' REQUIRE SUBJECT '/CN=tlsclient' AND ISSUER '/CN=schemashift test CA'")
        conn.execute("GRANT ALL ON *.* TO 'certuser'@'%'")
    return "certuser"


@pytest.mark.parametrize("form", ["pkcs12", "pem"])
def test_client_identity_reaches_mariadb(tls_mariadb: tls_servers.Server, certs: tls_servers.Certificates, mariadb_cert_user: str, form: str) -> None:
    identity = (
        f"sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}"
        if form == "pkcs12"
        else f"sslidentity={certs.client_cert}&sslkey={certs.client_key}"
    )
    base = f"mysql://{mariadb_cert_user}@127.0.0.1:{tls_mariadb.port}/mysql?sslcert={certs.ca}&sslaccept=strict"
    with connect(f"{base}&{identity}") as conn:
        assert encrypted(conn, "mysql")
    from schemashift.connectors.errors import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):  # the server's view: no certificate, no entry
        connect(base)



# ---------------------------------------------------------------- the command-line tools (backup/)


def test_libpq_env_gives_psql_tls_and_the_identity(tls_postgres: tls_servers.Server, certs: tls_servers.Certificates) -> None:
    import shutil
    import subprocess

    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql not found on PATH")
    query = f"sslcert={certs.ca}&sslaccept=strict&sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}"
    settings = tls_settings(parse_url(server_url(tls_postgres, query, "postgres")))
    with settings.libpq_env() as env:
        assert tls_servers.IDENTITY_PASSWORD not in "".join(env.values())  # only inside the service file
        seen = subprocess.run(
            [psql, "-h", "127.0.0.1", "-p", str(tls_postgres.port), "-U", "postgres", "-d", "postgres", "-Atc",
             "SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"],
            env={**os.environ, **env}, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.strip() == "t|/CN=tlsclient"
    with tls_settings(parse_url(server_url(tls_postgres, f"sslcert={certs.other_ca}", "postgres"))).libpq_env() as env:
        wrong = subprocess.run([psql, "-h", "127.0.0.1", "-p", str(tls_postgres.port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"],
                               env={**os.environ, **env}, capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert wrong.returncode != 0 and "certificate verify failed" in wrong.stderr


def test_mariadb_client_options_give_the_client_tls_and_the_identity(
    tls_mariadb: tls_servers.Server, certs: tls_servers.Certificates, mariadb_cert_user: str
) -> None:
    import shutil
    import subprocess

    client = shutil.which("mariadb")
    if client is None:
        pytest.skip("the mariadb client not found on PATH")
    query = f"sslcert={certs.ca}&sslaccept=strict&sslidentity={certs.client_p12}&sslpassword={tls_servers.IDENTITY_PASSWORD}"
    url = f"mysql://{mariadb_cert_user}@127.0.0.1:{tls_mariadb.port}/mysql?{query}"
    with tls_settings(parse_url(url)).mariadb_client_options() as options:
        seen = subprocess.run(
            [client, "--no-defaults", *options, "-h", "127.0.0.1", f"-P{tls_mariadb.port}", f"-u{mariadb_cert_user}", "-N", "-e", MYSQL_VIEW],
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        key = Path(options[-1].split("=", 1)[1])
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.split("\t")[0] == "Ssl_cipher" and seen.stdout.split("\t")[1].strip()
    assert not key.exists()  # the key in clear lived as long as the block
    with tls_settings(parse_url(f"mysql://root@127.0.0.1:{tls_mariadb.port}/mysql?sslcert={certs.other_ca}&sslaccept=strict")).mariadb_client_options() as options:
        wrong = subprocess.run([client, "--no-defaults", *options, "-h", "127.0.0.1", f"-P{tls_mariadb.port}", "-uroot", "-e", "SELECT 1"],
                               capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert wrong.returncode != 0 and "certificate" in wrong.stderr.lower()
