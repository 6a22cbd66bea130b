"""Generated targets files (wrong types, unknown keys, broken URLs, unset variables, listing
queries that fail or return junk, files that are not TOML or not UTF-8): `fleet status` and
`fleet deploy` always end with a documented exit code and a message, never exit 70 or a
traceback. SQLite targets, so no server is needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetutil import write_project
from schemashift.cli import run

URLS = [
    "file:./data/{tenant}.db", "file:./data/a.db", "file:./nowhere/deep/{tenant}.db", "file:", "sqlite:./data/b.db",
    "postgresql://u:pw@127.0.0.1:1/x", "mysql://root@h:notaport/x", "oracle://x/y", "", "   ", "env(\"FLEET_FUZZ_UNSET\")",
    "file:./data/${FLEET_FUZZ_UNSET}.db", "file:./data/${FLEET_FUZZ_SET}.db", "{tenant}", "file:./data/%zz.db",
]
QUERIES = ["SELECT 'a'", "SELECT 'file:./data/q.db'", "SELECT NULL", "SELECT 1", "garbage", "SELECT name FROM sqlite_master", ""]
TENANTS = ["a", "b", "c", "a b", "../up", "é", "", "x" * 70, "a/b"]
PATTERNS = ["%", "a\\_%", "", "[", "'"]

valid = st.sampled_from(["file:./data/{tenant}.db", "file:./data/a.db", "sqlite:./data/b.db", "file:./data/${FLEET_FUZZ_SET}.db"])
url = st.one_of(valid, valid, valid, st.sampled_from(URLS))  # mostly valid: the fuzz gets past the file
names = st.lists(st.one_of(st.sampled_from(TENANTS), st.sampled_from(TENANTS), st.text(max_size=4)), max_size=4)
junk = st.one_of(st.sampled_from(URLS + QUERIES), st.integers(-2, 3), st.booleans(), st.lists(st.integers(), max_size=2))
entries = st.one_of(url, url, st.fixed_dictionaries({"url": url}, optional={"name": st.sampled_from(TENANTS), "port": junk}), junk)
forms = st.one_of(
    st.fixed_dictionaries({"urls": st.one_of(st.lists(url, min_size=1, max_size=4), st.lists(entries, max_size=4), junk)}),
    st.fixed_dictionaries({"url": url, "tenants": st.one_of(names, names, junk)}),
    st.fixed_dictionaries({"url": url, "query": st.one_of(st.sampled_from(QUERIES), st.sampled_from(QUERIES), junk)}, optional={"query_url": url}),
    st.fixed_dictionaries({"url": url, "schemas": st.one_of(st.sampled_from(PATTERNS), st.sampled_from(PATTERNS), junk)}),
)
documents = st.one_of(
    forms, forms, forms,  # mostly well-formed: the values are what is wrong
    st.tuples(forms, st.sampled_from(["jobs", "url", "urls", "tenants"]), junk).map(lambda t: {**t[0], t[1]: t[2]}),
    st.dictionaries(st.sampled_from(["urls", "url", "tenants", "query", "query_url", "schemas", "jobs"]), junk, max_size=3),
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)  # a JSON string or integer is a TOML basic string or integer
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("fuzz") / "app", "sqlite")
    (root / "data").mkdir()
    return root


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents, command=st.sampled_from(["status", "deploy", "check"]))
def test_generated_targets_files(project: Path, document: dict[str, Any], command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FLEET_FUZZ_SET", "fromenv")
    targets = project / "targets.toml"
    targets.write_text("".join(f"{k} = {toml_value(v)}\n" for k, v in document.items()))
    code = run(["fleet", command, "--targets", str(targets), "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3, 4, 5), (document, out, err)
    assert "Traceback" not in err and "internal error" not in out + err
    if code == 1:
        assert "\nError: " in "\n" + err
    elif code != 2:
        report = json.loads(out)
        assert report["exit_code"] == code
        assert all(t["error"] is None or t["error"]["code"] != "internal" for t in report["targets"])


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"urls = [", b"", b"\x00\x01"])
def test_unreadable_targets_files(project: Path, content: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    targets = project / "bad.toml"
    targets.write_bytes(content)
    assert run(["fleet", "status", "--targets", str(targets)]) == 1
    err = capsys.readouterr().err
    assert "\nError: " in "\n" + err and "bad.toml" in err


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ('url = "file:./data/{tenant}.db"\ntenants = ["../up", "a/b", "é", "a b"]', 0, None),  # percent-encoded into file names
        ('url = "file:./data/q.db"\nquery = "SELECT NULL"', 1, "has no URL or name in its first column"),
        ('url = "file:./data/q.db"\nquery = "SELECT 1"', 1, "has no URL or name in its first column"),
        ('url = "file:./data/q.db"\nquery = "SELECT \'a\'"', 1, "cannot address a SQLite file"),
        ('url = "file:./data/q.db"\nquery = "garbage"', 1, "syntax error"),
        ('url = "file:./data/q.db"\nquery = "SELECT \'file:./data/{tenant}.db\' WHERE 0"', 1, "its query returned no row"),
        ('url = "file:./data/q.db"\nschemas = "%"', 1, "information_schema"),
        ('urls = ["file:./data/a.db", { name = "again", url = "file:./data/a.db" }]', 5, "listed twice"),
        ('urls = ["file:./nowhere/deep/a.db"]', 0, None),  # deploy creates a SQLite file (and its folders)
    ],
)
def test_semi_valid_targets_files(project: Path, text: str, code: int, expected: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    targets = project / "semi.toml"
    targets.write_text(text)
    assert run(["fleet", "deploy", "--targets", str(targets), "--json", "-q"]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if expected is not None:
        assert expected in (err if code == 1 else out)
