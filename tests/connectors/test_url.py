"""Prisma connection URL parsing and redaction (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import parse_url
from schemashift.connectors.errors import InvalidUrl


def test_postgres_url_parts_and_defaults() -> None:
    url = parse_url("postgresql://alice:s3cret@db.example.com:6543/app?schema=tenant&connection_limit=5&sslmode=require")
    assert (url.provider, url.host, url.port, url.user, url.password) == (
        "postgresql", "db.example.com", 6543, "alice", "s3cret",
    )
    assert (url.database, url.schema) == ("app", "tenant")
    assert url.params["sslmode"] == "require"
    assert url.params["connection_limit"] == "5"


def test_postgres_defaults() -> None:
    url = parse_url("postgres://bob@localhost/app")
    assert (url.port, url.database, url.schema, url.password) == (5432, "app", "public", None)
    assert url.connect_timeout == 5


def test_percent_decoding_of_credentials_and_database() -> None:
    url = parse_url("postgresql://us%40er:p%40ss%3Aw%2Fd@h:1/my%20db")
    assert (url.user, url.password, url.database) == ("us@er", "p@ss:w/d", "my db")


def test_redacted_never_shows_the_password() -> None:
    url = parse_url("mysql://root:hunter%402@127.0.0.1:3306/shop?connect_timeout=3")
    shown = url.redacted()
    assert "hunter" not in shown and "****" in shown
    assert shown.startswith("mysql://root:****@127.0.0.1:3306/shop")
    assert "hunter" not in repr(url) and "hunter" not in str(url)


def test_mysql_defaults_and_socket() -> None:
    url = parse_url("mysql://root@localhost/shop?socket=/run/mysqld/mysqld.sock")
    assert (url.port, url.database, url.schema) == (3306, "shop", None)
    assert url.host == "/run/mysqld/mysqld.sock"


@pytest.mark.parametrize("raw", ["file:./dev.db", "file:dev.db", "sqlite:./dev.db"])
def test_sqlite_relative_to_schema_folder(raw: str, tmp_path: Path) -> None:
    url = parse_url(raw, base_dir=tmp_path / "prisma")
    assert url.provider == "sqlite"
    assert url.path == tmp_path / "prisma" / "dev.db"


def test_sqlite_absolute_and_parent_paths(tmp_path: Path) -> None:
    assert parse_url(f"file:{tmp_path}/x.db?connection_limit=1").path == tmp_path / "x.db"
    assert parse_url("file:../data/x.db", base_dir=tmp_path / "prisma").path == tmp_path / "data" / "x.db"


@pytest.mark.parametrize("raw", ["mongodb://h/db", "http://x", "nonsense", "file:"])
def test_invalid_urls_are_p1013(raw: str) -> None:
    with pytest.raises(InvalidUrl) as info:
        parse_url(raw)
    assert info.value.code == "P1013"


def test_with_database_keeps_credentials() -> None:
    url = parse_url("postgresql://a:b@h:5/one?schema=s").with_database("two")
    assert (url.database, url.password, url.schema) == ("two", "b", "s")


def test_postgres_connection_options_mapping(tmp_path: Path) -> None:
    from schemashift.connectors.postgres import _connect_kwargs
    from schemashift.connectors.tls import tls_settings

    (tmp_path / "ca.pem").write_text("x")
    url = parse_url(
        f"postgresql://u:p@h:1/db?schema=s&sslmode=require&sslaccept=strict&sslcert={tmp_path / 'ca.pem'}"
        "&connect_timeout=0&connection_limit=3&pgbouncer=true&application_name=app"
    )
    with tls_settings(url).libpq_params() as tls:
        kwargs = _connect_kwargs(url, url.database, tls)
    assert kwargs["sslmode"] == "verify-full" and kwargs["sslrootcert"] == str(tmp_path / "ca.pem")
    assert kwargs["application_name"] == "app" and kwargs["dbname"] == "db"
    assert "connect_timeout" not in kwargs  # 0 = no limit
    assert not {"connection_limit", "pgbouncer", "schema"} & set(kwargs)


def test_mysql_connection_options_mapping() -> None:
    import ssl

    from schemashift.connectors.mysql import _connect_kwargs

    url = parse_url("mysql://u@localhost/db?socket=/run/my.sock&sslaccept=strict&connect_timeout=7")
    kwargs = _connect_kwargs(url, url.database)
    assert kwargs["unix_socket"] == "/run/my.sock" and "host" not in kwargs
    assert kwargs["ssl"].verify_mode == ssl.CERT_REQUIRED and kwargs["ssl"].check_hostname
    assert kwargs["connect_timeout"] == 7 and kwargs["password"] == ""
    assert _connect_kwargs(parse_url("mysql://u@h/db?sslmode=disable"), "db")["ssl_disabled"] is True


@pytest.mark.parametrize(
    "raw",
    ["postgresql://", "postgres://bob@localhost", "postgresql://u@h:5432/", "postgresql://@:5432/?schema=x",
     "mysql://root@127.0.0.1", "mysql://root@127.0.0.1:3306/", "mysql://root@localhost/?socket=/run/my.sock"],
)
def test_a_url_without_a_database_is_refused(raw: str) -> None:
    """No silent fall back to the server's `postgres` / `mysql` database (a deploy would write
    `_prisma_migrations` into it): an empty `.env` variable ends up like this."""
    with pytest.raises(InvalidUrl) as info:
        parse_url(raw)
    assert info.value.code == "P1013"
    assert "The database name is missing in database URL" in info.value.message
    assert "/DATABASE`" in info.value.message  # an example of the right form


@pytest.mark.parametrize("raw", ["postgresql://u@[::1/db", "postgresql://u@::1]/db", "mysql://root@[fe80::1/db"])
def test_a_broken_ipv6_bracket_is_p1013_not_a_crash(raw: str) -> None:
    with pytest.raises(InvalidUrl) as info:
        parse_url(raw)
    assert info.value.code == "P1013" and "IPv6" in info.value.message


def test_ipv6_host_in_brackets() -> None:
    url = parse_url("postgresql://u@[::1]:5433/db")
    assert (url.host, url.port, url.database) == ("::1", 5433, "db")


@pytest.mark.parametrize("provider", ["postgresql", "mysql"])
@pytest.mark.parametrize("param", ["sslcert", "sslrootcert", "sslidentity", "sslkey"])
def test_missing_tls_file_names_the_parameter_and_the_path(provider: str, param: str, tmp_path: Path) -> None:
    url = parse_url(f"{provider}://u@h/db?{param}=certs/ca.pem", base_dir=tmp_path)
    with pytest.raises(InvalidUrl) as info:
        url.check_tls_files()
    assert info.value.code == "P1013"
    assert f"`{tmp_path / 'certs/ca.pem'}` given as `{param}` does not exist" in info.value.message
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs/ca.pem").write_text("x")
    if param == "sslkey":  # found now (relative to the schema folder, as Prisma resolves it): the pairing is next
        with pytest.raises(InvalidUrl, match="`sslkey` needs `sslidentity`"):
            url.check_tls_files()
    else:
        url.check_tls_files()  # relative to the schema folder, as Prisma resolves it


def test_unreadable_tls_file_and_folder(tmp_path: Path) -> None:
    import os

    pem = tmp_path / "key.pem"
    pem.write_text("x")
    pem.chmod(0)
    url = parse_url(f"postgresql://u@h/db?sslkey={pem}&sslrootcert={tmp_path}")
    with pytest.raises(InvalidUrl) as info:
        url.check_tls_files()
    if os.geteuid() == 0:  # root reads any file: only the folder is refused
        assert f"`sslrootcert` must name a file, and `{tmp_path}` is a folder" in info.value.message
    else:
        assert f"`{pem}` given as `sslkey` cannot be read: Permission denied" in info.value.message
    parse_url("postgresql://u@h/db?sslrootcert=system").check_tls_files()  # libpq's trust store, not a file
