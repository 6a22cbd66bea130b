"""Prisma's generated constraint names (:mod:`schemashift.psl.constraint_names`), used by the
validator, the lowering and ``db pull``.

- the rules themselves (truncation in UTF-8 bytes at a character boundary, per provider limit);
- byte-exact agreement with Prisma 6.19 (``../shared/oracle/prisma6``) on long non-ASCII model
  and field names: the same ``migrate diff`` script, the same validation errors (names that only
  clash once cut to the limit in bytes), fixed cases and a hypothesis property;
- live databases: such a schema migrated with ``migrate dev`` (or ``db push``) is in sync on the
  next run (no drift from PostgreSQL's 63-byte truncation), and ``db pull`` gives it back without
  ``map:`` arguments.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemashift import psl
from schemashift.migrations.engine import diff_schemas
from schemashift.psl import constraint_names as names

_REPO = Path(__file__).resolve().parents[2]
# the main checkout sits next to ``shared/``; a worktree one level further down
ORACLE = next(
    (p for p in (_REPO.parent / "shared/oracle/prisma6", _REPO.parent.parent / "shared/oracle/prisma6") if p.is_file()),
    _REPO.parent / "shared/oracle/prisma6",
)
needs_oracle = pytest.mark.skipif(
    not ORACLE.is_file() or shutil.which("node") is None, reason="Prisma oracle (../shared/oracle) or Node absent"
)

E40 = "é" * 40
JA = "日本語" * 15  # 45 characters, 135 bytes
EMOJI = "😀" * 20  # PSL identifiers are letters only: emoji reach the database through @map


def _utf8(text: str) -> int:
    return len(text.encode())


# ------------------------------------------------------------------ the rules


def test_short_names_are_not_cut() -> None:
    assert names.primary_key_name("User", 63) == "User_pkey"
    assert names.unique_name("User", ["email"], 63) == "User_email_key"
    assert names.index_name("Post", ["a", "b"], 63) == "Post_a_b_idx"
    assert names.foreign_key_name("Post", ["authorId"], 63) == "Post_authorId_fkey"
    assert names.default_name("Post", "title", 128) == "Post_title_df"


def test_long_ascii_names_are_cut_before_the_suffix() -> None:
    table = "ThisIsAVeryLongModelNameThatGoesOnAndOnAndOnForeverAndEver"
    columns = ["someExtremelyLongColumnNameNumberTwo"]
    assert names.index_name(table, columns, 63) == table + "__idx"
    assert names.foreign_key_name(table, columns, 63) == table + "_fkey"
    assert names.primary_key_name("OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTables", 63) == (
        "OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTa_pkey"
    )
    assert len(names.unique_name("T" * 80, ["c"], 64)) == 64  # MySQL's limit


def test_non_ascii_names_are_cut_in_bytes_at_a_character_boundary() -> None:
    # 63 - len("_pkey") = 58 bytes: "M" and 28 two-byte characters (57 bytes); a 29th would be 59
    assert names.primary_key_name("M" + E40, 63) == "M" + "é" * 28 + "_pkey"
    # 63 - len("_key") = 59 bytes: "M" + 29 "é"
    assert names.unique_name("M" + E40, ["f" + E40], 63) == "M" + "é" * 29 + "_key"
    # three-byte characters: 59 // 3 = 19 of them (57 bytes)
    assert names.index_name(JA, ["a"], 63) == JA[:19] + "_idx"
    # four-byte characters, MySQL's limit: 64 - 5 = 59 bytes -> 14 emoji (56 bytes)
    assert names.foreign_key_name(EMOJI, ["a"], 64) == "😀" * 14 + "_fkey"
    assert names.default_name("ж" * 80, "c", 128) == "ж" * 62 + "_df"  # 128 - 3 = 125 bytes -> 62


_TEXT = st.text(st.sampled_from("aZ_9éжß日本語😀𝄞"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(table=_TEXT, columns=st.lists(_TEXT, max_size=3), limit=st.sampled_from([63, 64, 128, 10000]))
def test_generated_names_are_the_longest_prefix_that_fits(table: str, columns: list[str], limit: int) -> None:
    for make, suffix in ((names.unique_name, "_key"), (names.index_name, "_idx"), (names.foreign_key_name, "_fkey")):
        base = f"{table}_{'_'.join(columns)}"
        name = make(table, columns, limit)
        assert name.endswith(suffix)
        kept = name[: -len(suffix)]
        assert base.startswith(kept) and _utf8(name) <= limit
        if kept != base:  # cut: one more character would not fit
            assert _utf8(base[: len(kept) + 1]) > limit - len(suffix)
    pk = names.primary_key_name(table, limit)
    assert table.startswith(pk[:-5]) and _utf8(pk) <= limit
    assert names.is_too_long(table, limit) == (_utf8(table) > limit)


def test_join_table_names() -> None:
    long_m2m = "OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTablesToThisIsAVeryLongModelName"
    n = names.join_table_names(long_m2m, 63)
    assert n.table == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoinTables"
    assert n.primary_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJo_AB_pkey"
    assert n.a_foreign_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoi_A_fkey"
    assert n.b_foreign_key == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJoi_B_fkey"
    assert n.b_index == "_OtherModelWithAQuiteLongNameAsWellToTestTruncationOfJo_B_index"
    short = names.join_table_names("PostToTag", 63)
    assert (short.table, short.unique, short.b_index) == ("_PostToTag", "_PostToTag_AB_unique", "_PostToTag_B_index")


def test_join_table_foreign_keys_are_cut_at_a_character_boundary() -> None:
    # Prisma slices the bytes at 63 - 7 = 56 and panics inside a character ("byte index 56 is not
    # a char boundary"); we keep the 55 bytes before it
    n = names.join_table_names("Aa" + E40 + "ToB", 63)
    assert n.a_foreign_key == "_Aa" + "é" * 26 + "_A_fkey" and n.b_foreign_key == "_Aa" + "é" * 26 + "_B_fkey"
    # the table and its other names are cut in characters, as Prisma does
    assert n.table == "_Aa" + E40 + "ToB" and n.b_index == n.table + "_B_index"


# ------------------------------------------------------------------ Prisma 6.19, fixed cases


def _schema(provider: str, models: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}'


E10 = "é" * 10
# M's constraint names are cut inside the names of their columns (the model's name is 21 bytes)
LONG_MODELS = f"""
model M{E10} {{
  id        Int    @id
  f{E40}    Int    @unique
  g{E40}    String
  parentId  Int
  parent    P{JA} @relation(fields: [parentId, f{E40}], references: [id, n])
  tags      Tag[]
  @@index([f{E40}, g{E40}])
  @@unique([g{E40}, parentId])
}}

model P{JA} {{
  id   Int
  n    Int
  a{JA} String @map("{EMOJI}")
  kids M{E10}[]
  @@id([id, n])
  @@unique([n, a{JA}])
  @@index([a{JA}], map: "short_name")
}}

model E{E40} {{
  id Int @id
  x  Int @unique
}}

model Tag {{
  id     Int @id
  owners M{E10}[]
}}

model Mapped {{
  id  Int    @id @map("{EMOJI}id")
  x   Int    @map("x{EMOJI}")
  @@index([x, id])
  @@map("{EMOJI}{EMOJI}")
}}
"""

# two indexes whose names only clash once cut to 59 bytes ("M" + 30 two-byte characters is
# 61 bytes): cut by characters they would differ, and Prisma reports both
CLASH_MODELS = f"""
model M{"é" * 30} {{
  id  Int @id
  aaa Int
  b   Int
  c   Int
  @@index([aaa, b])
  @@index([aaa, c])
}}
"""

# a map: of 32 two-byte characters is 64 bytes: too long for PostgreSQL (63), not for SQLite
LONG_MAP_MODELS = f"""
model T {{
  id Int @id
  a  Int
  b  Int @unique(map: "{"é" * 31}")
  @@index([a], map: "{"é" * 32}")
}}
"""


def _oracle(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ORACLE), *args], capture_output=True, text=True, timeout=120)


@needs_oracle
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_diff_of_long_non_ascii_names_is_prismas(provider: str, tmp_path: Path) -> None:
    source = _schema(provider, LONG_MODELS)
    path = tmp_path / "schema.prisma"
    path.write_text(source, encoding="utf-8")
    prisma = _oracle("diff", "--from-empty", "--to", str(path))
    assert prisma.returncode == 0, prisma.stderr
    ours = diff_schemas(None, source)
    assert ours == prisma.stdout
    if provider == "postgresql":  # names Prisma had to cut: all within 63 bytes
        assert "E" + "é" * 28 + "_pkey" in ours and "P" + JA[:19] + "_pkey" in ours
        assert f"M{E10}_f{'é' * 18}_key" in ours and f"M{E10}_g{'é' * 18}_key" in ours
        generated = re.findall(r'(?:CONSTRAINT|INDEX) "([^"]+)"', ours)
        assert generated and all(_utf8(n) <= 63 for n in generated)


@needs_oracle
def test_sqlite_limit_is_counted_in_bytes_too(tmp_path: Path) -> None:
    # SQLite's limit is 10,000: a 3,500-character model name (10,500 bytes) is cut there
    long = "語" * 3500
    source = _schema("sqlite", f"model A{long} {{\n  id Int @id\n  v Int\n  @@index([v])\n}}\n")
    path = tmp_path / "schema.prisma"
    path.write_text(source, encoding="utf-8")
    prisma = _oracle("diff", "--from-empty", "--to", str(path))
    assert prisma.returncode == 0, prisma.stderr
    assert diff_schemas(None, source) == prisma.stdout
    assert f'"A{"語" * 3331}_idx"' in prisma.stdout  # (10,000 - 4 - 1) // 3 = 3,331


@needs_oracle
@pytest.mark.parametrize(("provider", "valid"), [("postgresql", False), ("sqlite", True)])
@pytest.mark.parametrize("models", [CLASH_MODELS, LONG_MAP_MODELS], ids=["clash", "long_map"])
def test_validation_of_names_in_bytes_is_prismas(provider: str, valid: bool, models: str, tmp_path: Path) -> None:
    source = _schema(provider, models)
    path = tmp_path / "schema.prisma"
    path.write_text(source, encoding="utf-8")
    prisma = _oracle("validate", "--no-color", str(path))
    diagnostics = psl.validate(source)
    assert (prisma.returncode == 0) is valid
    assert (not any(d.is_error for d in diagnostics)) is valid
    assert psl.render(source, diagnostics).rstrip("\n") == prisma.stdout.rstrip("\n")
    if not valid and models is CLASH_MODELS:
        assert prisma.stdout.count("M" + "é" * 29 + "_idx") == 2
    if not valid and models is LONG_MAP_MODELS:
        assert "The maximum allowed length is 63 bytes." in prisma.stdout and "'" + "é" * 31 + "'" not in prisma.stdout


@needs_oracle
def test_valid_long_names_validate_as_prisma(tmp_path: Path) -> None:
    for provider in ("postgresql", "sqlite"):
        source = _schema(provider, LONG_MODELS)
        path = tmp_path / f"{provider}.prisma"
        path.write_text(source, encoding="utf-8")
        prisma = _oracle("validate", "--no-color", str(path))
        assert prisma.returncode == 0, prisma.stdout
        assert not any(d.is_error for d in psl.validate(source))


# ------------------------------------------------------------------ Prisma 6.19, property

_LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WIDE = st.sampled_from("éüßΩж日本語")  # letters of two and three bytes
_REST = st.one_of(_LETTERS, _WIDE, st.sampled_from("_0123456789"))
# short names, and long ones (20-45 characters: 20-135 bytes) whose constraint names are cut
_IDENT = st.builds(
    lambda first, rest: first + rest,
    st.one_of(_LETTERS, _WIDE),
    st.one_of(st.text(_REST, max_size=8), st.text(_REST, min_size=19, max_size=44)),
)
_MAPPED = st.text(st.one_of(_LETTERS, _WIDE, st.sampled_from("😀🚀_")), min_size=1, max_size=30)


@st.composite
def _schemas(draw: st.DrawFn) -> str:
    """1-3 models with long non-ASCII names, unique/compound indexes, @map/@@map (with emoji),
    a foreign key from every later model to the first, maybe an implicit m:n relation."""
    model_names = draw(st.lists(_IDENT, min_size=1, max_size=3, unique_by=str.lower))
    blocks: list[list[str]] = []
    for i, model in enumerate(model_names):
        fields = draw(st.lists(_IDENT, min_size=1, max_size=4, unique=True).filter(lambda fs: "id" not in fs))
        lines = [f"model {model} {{", "  id Int @id"]
        for f in fields:
            attrs = ""
            if draw(st.booleans()) and draw(st.booleans()):
                attrs += f' @map("{draw(_MAPPED)}")'
            if draw(st.integers(0, 3)) == 0:
                attrs += " @unique"
            lines.append(f"  {f} Int{attrs}")
        column_lists = st.lists(st.sampled_from(["id", *fields]), min_size=1, max_size=3, unique=True)
        for kind in ("index", "unique"):
            for cols in draw(st.lists(column_lists, max_size=2, unique_by=tuple)):
                lines.append(f"  @@{kind}([{', '.join(cols)}])")
        if i > 0:
            fk = draw(st.sampled_from(fields))
            lines.append(f'  rel_{i} {model_names[0]} @relation("fk{i}", fields: [{fk}], references: [id])')
            blocks[0].append(f'  back_{i} {model}[] @relation("fk{i}")')
        if draw(st.integers(0, 2)) == 0:
            lines.append(f'  @@map("{draw(_MAPPED)}")')
        blocks.append(lines)
    if len(model_names) > 1 and draw(st.booleans()):  # implicit m:n, its join table named after the relation
        relation = draw(st.one_of(_IDENT, st.text(_WIDE, min_size=20, max_size=40)))
        blocks[0].append(f'  many {model_names[1]}[] @relation("{relation}")')
        blocks[1].append(f'  many {model_names[0]}[] @relation("{relation}")')
    return "".join("\n".join([*lines, "}"]) + "\n\n" for lines in blocks)


def _agree_with_prisma(batch: list[str], tmp_path: Path) -> None:
    cases = [(p, _schema(p, models)) for models in batch for p in ("postgresql", "sqlite")]
    request, answer = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    request.write_text(
        "".join(json.dumps({"id": i, "from": None, "to": src}) + "\n" for i, (_, src) in enumerate(cases)),
        encoding="utf-8",
    )
    done = subprocess.run([str(ORACLE), "batch-diff", str(request), str(answer)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    answers = [json.loads(line) for line in answer.read_text(encoding="utf-8").splitlines()]
    assert len(answers) == len(cases)
    for (_, source), result in zip(cases, answers):
        diagnostics = psl.validate(source)
        errors = [d for d in diagnostics if d.is_error]
        if "sql" in result:
            assert not errors, source
            assert diff_schemas(None, source) == result["sql"], source
        elif result["error"].startswith("panic:"):
            # Prisma cuts a join table's foreign key names inside a character and panics; we
            # cut at the character boundary (test_join_table_foreign_keys_are_cut_...)
            assert "is not a char boundary" in result["error"], result["error"]
            assert not errors and diff_schemas(None, source)
        else:  # invalid: the same errors, rendered the same
            assert errors, (source, result["error"])
            assert psl.render(source, errors).rstrip("\n") == result["error"].rstrip("\n"), source


_PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@needs_oracle
@settings(_PROPERTY, max_examples=3)
@given(batch=st.lists(_schemas(), min_size=12, max_size=12))
def test_generated_long_names_agree_with_prisma(batch: list[str], tmp_path: Path) -> None:
    _agree_with_prisma(batch, tmp_path)


@pytest.mark.slow
@needs_oracle
@settings(_PROPERTY, max_examples=60)
@given(batch=st.lists(_schemas(), min_size=20, max_size=20))
def test_generated_long_names_agree_with_prisma_slow(batch: list[str], tmp_path: Path) -> None:
    _agree_with_prisma(batch, tmp_path)


# ------------------------------------------------------------------ live databases

# Table and column names fit the databases' limits (PostgreSQL 63 bytes, MySQL 64 characters);
# the constraint names made of them do not, and are cut. MySQL identifiers hold no emoji
# (characters beyond U+FFFF), so its schema maps to a three-byte character instead.
LIVE_E = "é" * 25  # 50 bytes
LIVE_JA = "日本語" * 6  # 18 characters, 54 bytes


def _live_models(provider: str) -> str:
    wide = "😀" * 12 if provider != "mysql" else "語" * 16  # 48 bytes
    return f"""
model M{LIVE_E} {{
  id         Int    @id
  f{LIVE_E}  Int    @unique
  {LIVE_JA}  String
  parentId   Int
  parent     P{LIVE_JA} @relation(fields: [parentId], references: [id])
  @@index([f{LIVE_E}, {LIVE_JA}])
  @@unique([{LIVE_JA}, parentId])
}}

model P{LIVE_JA} {{
  id   Int    @id
  w    Int    @map("{wide}")
  kids M{LIVE_E}[]
  @@unique([w, id])
}}

// the join table "_TagToΩΩΩΩΩΩΩΩΩΩ" and its names fit the limits: Prisma cuts them in characters
model Tag {{
  id     Int @id
  owners {"Ω" * 10}[]
}}

model {"Ω" * 10} {{
  id   Int @id
  tags Tag[]
}}
"""


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(_schema(provider, _live_models(provider)), encoding="utf-8")
    return tmp_path


def _migrations(root: Path) -> list[Path]:
    return sorted(p for p in (root / "prisma" / "migrations").iterdir() if p.is_dir())


def test_migrate_dev_twice_finds_no_difference(project: Path, provider: str, run_cli) -> None:
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    (init,) = _migrations(project)
    sql = (init / "migration.sql").read_text(encoding="utf-8")
    if provider == "sqlite":  # 10,000 bytes: nothing to cut
        assert f'"M{LIVE_E}_f{LIVE_E}_key"' in sql
    else:  # 51 + 2 bytes, then 3 two-byte characters fit in 63 - 4 (PostgreSQL) or 64 - 4 (MySQL)
        assert f'M{LIVE_E}_f{"é" * 3}_key' in sql and f"M{LIVE_E}_f{'é' * 4}" not in sql
    r = run_cli("migrate", "dev", "--name", "again")
    assert r.exit_code == 0, r.err
    assert "Already in sync" in r.out
    assert _migrations(project) == [init]
    url = os.environ["DATABASE_URL"]
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out + r.err


def test_db_push_then_diff_is_empty_and_pull_needs_no_map(project: Path, provider: str, run_cli) -> None:
    r = run_cli("db", "push")
    assert r.exit_code == 0, r.err
    url = os.environ["DATABASE_URL"]
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out + r.err
    r = run_cli("db", "push")
    assert r.exit_code == 0 and "already in sync" in r.out.lower(), r.out + r.err

    r = run_cli("db", "pull", "--print")
    assert r.exit_code == 0, r.err
    pulled = r.out
    # every index and constraint has the default name: no map: argument anywhere
    assert "map:" not in pulled, pulled
    assert "@@unique" in pulled and "@@index" in pulled and "@relation(" in pulled
    # and the pulled schema is the database: diffing it against the database finds nothing
    (project / "pulled.prisma").write_text(pulled, encoding="utf-8")
    r = run_cli("migrate", "diff", "--from-url", url, "--to-schema-datamodel", "pulled.prisma", "--exit-code")
    assert r.exit_code == 0, r.out + r.err
