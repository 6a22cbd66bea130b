"""What the dump and restore tools receive: every TLS setting of the URL, with the meaning the
migration connection gives it, and the password only in their environment (or a 0600 file).

The real tools run, behind a wrapper on PATH that records its own ``/proc/<pid>/cmdline`` (what
any user of the machine can read) and environment before ``exec``-ing the real tool. The test
servers have no TLS: a setting that demands TLS makes the real tool fail, which shows that a backup
never falls back to a plain connection the migration would not have made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from schemashift.errors import SchemashiftError

from schemashift.backup import BackupError, create_backup, restore_backup
from schemashift.backup.clients import ClientSettingError
from schemashift.connectors import connect, database_exists, drop_database, parse_url

PASSWORD = "pw-s3cr3t-9d1"
KEY_PASSWORD = "keypass-77ab"
TOOLS = ("pg_dump", "pg_restore", "mariadb-dump", "mariadb")


@dataclass
class Call:
    tool: str
    argv: list[str]
    env: dict[str, str]
    service: str | None  # the PGSERVICEFILE's text, when there was one
    service_mode: int | None


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Wrap the client tools; each call leaves <tool>.<pid>.* files in the returned folder."""
    record = tmp_path / "calls"
    record.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        real = shutil.which(tool)
        if real is None:
            pytest.skip(f"{tool} is not installed")
        script = bin_dir / tool
        script.write_text(
            "#!/bin/sh\n"
            f'out="{record}/{tool}.$$"\n'
            'cat /proc/$$/cmdline > "$out.cmdline"\n'
            'cat /proc/$$/environ > "$out.environ"\n'
            'if [ -n "$PGSERVICEFILE" ]; then cp "$PGSERVICEFILE" "$out.service";'
            ' stat -c %a "$PGSERVICEFILE" > "$out.mode"; fi\n'
            f'exec {real} "$@"\n'
        )
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return record


def calls(record: Path, tool: str) -> list[Call]:
    """The recorded calls of ``tool`` (its ``--version`` question left out)."""
    out = []
    for cmdline in sorted(record.glob(f"{tool}.*.cmdline")):
        stem = str(cmdline)[: -len(".cmdline")]
        argv = cmdline.read_bytes().split(b"\0")[:-1]
        env = dict(item.split("=", 1) for item in Path(f"{stem}.environ").read_bytes().decode().split("\0") if "=" in item)
        service = Path(f"{stem}.service")
        mode = Path(f"{stem}.mode")
        call = Call(tool, [a.decode() for a in argv], env, service.read_text() if service.exists() else None,
                    int(mode.read_text(), 8) if mode.exists() else None)
        if "--version" not in call.argv:
            out.append(call)
    return out


def assert_no_secret_on_command_lines(record: Path) -> None:
    for cmdline in record.glob("*.cmdline"):
        text = cmdline.read_bytes().decode()
        assert PASSWORD not in text and KEY_PASSWORD not in text, text


def with_params(url: str, password: str | None = None, **params: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':')[0]}:{password}@{host}"
    query = "&".join([q for q in [parts.query, *(f"{k}={v}" for k, v in params.items())] if q])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real self-signed certificate and key (PyMySQL loads the CA file when it connects)."""
    folder = tmp_path_factory.mktemp("tls")
    files = {name: folder / f"{name}.pem" for name in ("ca", "root", "key", "crl")}
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(files["key"]), "-out", str(files["ca"])], check=True, capture_output=True)
    shutil.copy(files["ca"], files["root"])
    shutil.copy(files["ca"], files["crl"])
    return files


def fill(url: str, provider: str) -> None:
    quote = "`" if provider == "mysql" else '"'
    with connect(url) as conn:
        conn.execute(f"CREATE TABLE {quote}Item{quote} (id INTEGER PRIMARY KEY, name VARCHAR(20))")
        conn.execute(f"INSERT INTO {quote}Item{quote} VALUES (1, 'a'), (2, 'b')")


# ---------------------------------------------------------------- PostgreSQL


def test_postgres_tools_get_the_password_and_every_tls_setting(
    postgres_url: str, recorded: Path, tls_files: dict[str, Path], tmp_path: Path
) -> None:
    """The tools get the settings the migration connection uses (connectors/tls.py, one mapping):
    TLS required, the CA (Prisma's sslcert), the client identity and key, the CRL, the key's
    passphrase in a 0600 service file removed afterwards; the password only in the environment."""
    url = parse_url(with_params(
        postgres_url, PASSWORD, sslcert=str(tls_files["ca"]), sslidentity=str(tls_files["root"]),
        sslkey=str(tls_files["key"]), sslpassword=KEY_PASSWORD, sslcrl=str(tls_files["crl"]),
    ))
    fill(postgres_url, "postgresql")
    with pytest.raises(BackupError):  # the test server has no TLS: the dump never goes on without it
        create_backup(url, tmp_path / "bk")
    assert list((tmp_path / "bk").iterdir()) == []
    (call,) = calls(recorded, "pg_dump")
    assert call.env["PGPASSWORD"] == PASSWORD
    assert call.env["PGSSLMODE"] in ("verify-ca", "verify-full")
    assert call.env["PGSSLROOTCERT"] == str(tls_files["ca"])  # Prisma's sslcert: the server's CA
    assert call.env["PGSSLCERT"] == str(tls_files["root"]) and call.env["PGSSLKEY"] == str(tls_files["key"])
    assert call.env["PGSSLCRL"] == str(tls_files["crl"])
    # no variable exists for the key's passphrase: a private service file, removed afterwards
    assert call.service is not None and f"sslpassword={KEY_PASSWORD}" in call.service
    assert call.service_mode == 0o600
    assert not Path(call.env["PGSERVICEFILE"]).exists()
    assert PASSWORD not in (call.service or "")
    assert_no_secret_on_command_lines(recorded)


@pytest.mark.parametrize(
    ("params", "mode"),
    [
        ({"sslmode": "require"}, "require"),
        ({"sslaccept": "strict", "sslcert": "ca"}, "verify-full"),  # what the migration connection does
        ({"sslmode": "verify-ca", "sslrootcert": "root"}, "verify-ca"),
    ],
)
def test_postgres_backup_never_falls_back_to_a_plain_connection(
    postgres_url: str, recorded: Path, tls_files: dict[str, Path], tmp_path: Path, params: dict[str, str], mode: str
) -> None:
    params = {k: str(tls_files[v]) if v in tls_files else v for k, v in params.items()}
    url = parse_url(with_params(postgres_url, PASSWORD, **params))
    with pytest.raises(BackupError) as info:
        create_backup(url, tmp_path / "bk")
    assert "SSL" in info.value.message and PASSWORD not in info.value.message
    (call,) = calls(recorded, "pg_dump")
    assert call.env["PGSSLMODE"] == mode
    if "sslcert" in params or "sslrootcert" in params:
        assert call.env["PGSSLROOTCERT"] == params.get("sslcert", params.get("sslrootcert"))
    assert list((tmp_path / "bk").iterdir()) == []
    assert_no_secret_on_command_lines(recorded)


# ---------------------------------------------------------------- MySQL / MariaDB


def test_mysql_tls_is_required_as_the_migration_connection_requires_it(
    mysql_url: str, recorded: Path, tls_files: dict[str, Path], tmp_path: Path
) -> None:
    """PyMySQL refuses a server without TLS when the URL names a certificate (or sslmode=require);
    ``mariadb-dump --ssl`` would go on in plain text: the backup refuses before any tool starts."""
    fill(mysql_url, "mysql")
    plain = create_backup(parse_url(mysql_url), tmp_path / "plain")
    started = sum(len(calls(recorded, tool)) for tool in TOOLS)
    url = parse_url(with_params(mysql_url, sslmode="require", sslaccept="accept_invalid_certs"))
    with pytest.raises(SchemashiftError) as info:  # the migration connection's refusal (P1011) or the tools' check
        create_backup(url, tmp_path / "bk")
    assert "TLS" in info.value.message or "SSL" in info.value.message
    assert list((tmp_path / "bk").iterdir()) == []
    target = parse_url(with_params(mysql_url, sslmode="require")).with_database(url.database + "_r")
    with pytest.raises(SchemashiftError, match="TLS|SSL"):
        restore_backup(tmp_path / "plain" / plain.file, target)
    assert not database_exists(parse_url(mysql_url).with_database(target.database))  # refused before it was created
    assert sum(len(calls(recorded, tool)) for tool in TOOLS) == started  # no tool was started


def test_mysql_tools_get_the_tls_options(
    mysql_url: str, recorded: Path, tls_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(mysql_url, "mysql")
    url = parse_url(with_params(mysql_url, sslcert=str(tls_files["ca"]), sslidentity=str(tls_files["root"]),
                                sslkey=str(tls_files["key"])))
    with pytest.raises(BackupError):  # verified TLS against a server without it: refused by the tool
        create_backup(url, tmp_path / "bk")
    (dump,) = calls(recorded, "mariadb-dump")
    assert f"--ssl-ca={tls_files['ca']}" in dump.argv and f"--ssl-key={tls_files['key']}" in dump.argv
    assert f"--ssl-cert={tls_files['root']}" in dump.argv
    assert "--ssl" in dump.argv and "--ssl-verify-server-cert" in dump.argv
    assert "MYSQL_PWD" not in dump.env
    assert list((tmp_path / "bk").iterdir()) == []
    # without the TLS check of unverified TLS, the tools are started with --ssl, and (as this shows)
    # connect in plain text to a server without TLS: the reason for that check
    from schemashift.backup.clients import mysql_client

    with mysql_client(parse_url(with_params(mysql_url, sslmode="require"))) as client:
        assert "--ssl" in client.args and "--skip-ssl" not in client.args and client.unenforced_tls


def test_mysql_password_only_in_the_environment(mysql_url: str, recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYSQL_PWD", "from-the-shell")  # never used instead of the URL's
    url = parse_url(with_params(mysql_url, PASSWORD))
    with pytest.raises(BackupError) as info:  # root has no password on the test server
        create_backup(url, tmp_path / "bk")
    assert "Access denied" in info.value.message and PASSWORD not in info.value.message
    (call,) = calls(recorded, "mariadb-dump")
    assert call.env["MYSQL_PWD"] == PASSWORD
    assert_no_secret_on_command_lines(recorded)


def test_mysql_strict_certificate_check_is_never_dropped(
    mysql_url: str, recorded: Path, tls_files: dict[str, Path], tmp_path: Path
) -> None:
    url = parse_url(with_params(mysql_url, sslcert=str(tls_files["ca"]), sslaccept="strict"))
    with pytest.raises(BackupError) as info:  # the server has no TLS: the dump must not go on without it
        create_backup(url, tmp_path / "bk")
    assert "SSL" in info.value.message or "TLS" in info.value.message
    (call,) = calls(recorded, "mariadb-dump")
    assert "--ssl-verify-server-cert" in call.argv and f"--ssl-ca={tls_files['ca']}" in call.argv
    assert list((tmp_path / "bk").iterdir()) == []


# ---------------------------------------------------------------- settings no tool can take


@pytest.mark.parametrize("scheme", ["postgresql", "mysql"])
def test_a_wrong_tls_setting_stops_the_backup_before_any_tool(scheme: str, recorded: Path, tmp_path: Path) -> None:
    url = parse_url(f"{scheme}://u:{PASSWORD}@127.0.0.1/shop?sslmode=verify-ful")
    with pytest.raises(ClientSettingError) as info:
        create_backup(url, tmp_path / "bk")
    assert "sslmode" in info.value.message and PASSWORD not in info.value.message
    assert all(calls(recorded, tool) == [] for tool in TOOLS)  # no tool was started
    assert list((tmp_path / "bk").iterdir()) == []


def test_mysql_disable_is_passed_on() -> None:
    from schemashift.backup.clients import mysql_client

    with mysql_client(parse_url("mysql://u@h/db?sslmode=disable")) as client:
        assert "--skip-ssl" in client.args
    with pytest.raises(ClientSettingError, match="sslaccept"):  # a contradiction, never less checking
        with mysql_client(parse_url("mysql://u@h/db?sslmode=disable&sslaccept=strict")):
            pass


def test_tool_errors_never_show_the_key_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pg_dump"
    script.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 'pg_dump (PostgreSQL) 15.2'; exit 0; }\n"
                      "echo \"could not decrypt key with $(grep sslpassword \"$PGSERVICEFILE\")\" >&2; exit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    key = tmp_path / "key.pem"
    key.write_text("not really a key")
    url = parse_url(f"postgresql://u:{PASSWORD}@127.0.0.1/shop?sslidentity={key}&sslkey={key}&sslpassword={KEY_PASSWORD}")
    with pytest.raises(BackupError) as info:
        create_backup(url, tmp_path / "bk")
    assert "could not decrypt key with sslpassword=****" in info.value.message
    assert KEY_PASSWORD not in info.value.message
