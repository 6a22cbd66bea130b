"""``db pull --print`` compared with the real Prisma 7.10 CLI (``../shared/oracle/prisma7 pull``) on
generated databases, PostgreSQL and SQLite (issue #13).

Each case: a generated schema (models with scalar fields of the provider's types, defaults,
``@unique``/``@@unique``/``@@index``, ``@map``s, one-to-many, one-to-one and implicit many-to-many
relations, PostgreSQL enums) is deployed, then objects are added by hand, each with some
probability: partial indexes (plain, unique, GIN), ``INCLUDE`` indexes, operator classes (B-tree
and GIN), ``DEFERRABLE`` foreign keys, unique constraints and primary keys, partitioned tables
with and without partitions, table and column comments, a view, CHECK and EXCLUDE constraints,
``NULLS FIRST`` index columns, expression indexes, row level security, an inherited table,
unsupported column types, a table without a unique identifier (SQLite: expression indexes, a
view, CHECK constraints, a table without identifier; no partial index: Prisma 7's SQLite describer
fails on one, "Error accessing result set, column not found: <index name>"). The generator and
datasource blocks are written in one of three styles (``HEADERS``: comments, preview features,
``output``, a second generator, the datasource first), which Prisma 7 renders again. Then a fresh
pull (the schema has only its generator and datasource) and a re-introspection (the generated
schema, its relation fields written before its scalars) are printed by both tools; stdout and the
``*** WARNING ***`` block on stderr must be byte-identical.

Where schemashift deliberately writes something else (the case is counted, not failed, when both
tools print the same text once these objects are dropped again):

- ``INCLUDE`` columns: Prisma 7 writes them as key columns (``@@index([a, b])`` for
  ``(a) INCLUDE (b)``), a different index; schemashift leaves the index out with a warning.
- a B-tree operator class (``text_pattern_ops``): Prisma 7 drops it (``@@index([title])``), a
  different index to schemashift's differ; schemashift writes ``ops: raw("text_pattern_ops")``,
  which Prisma 7 validates.

The multi-schema variant (PostgreSQL): the datasource lists two or three of ``SPACES`` in a random
order, every model and enum has a ``@@schema``, some tables share a name with a table of another
schema and an enum ``KindToo`` is ``@@map("Kind")`` in another schema than ``Kind``; relations
(and implicit many-to-many ones) cross schemas.

Every other difference fails the test. Each test prints its figures (``-rP`` shows them); the
measured figures are in docs/cli.md ("db pull").
"""

from __future__ import annotations

import difflib
import os
import random
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

import dbutil

ORACLE = next(
    (p / "shared" / "oracle" / "prisma7" for p in Path(__file__).resolve().parents if (p / "shared" / "oracle").is_dir()),
    Path("/nonexistent"),
)
HAS_ORACLE = ORACLE.exists() and shutil.which("node") is not None

SMALL_CASES = 3  # per database, in make test
SLOW_CASES = int(os.environ.get("SCHEMASHIFT_DIFFERENTIAL_CASES", "100"))  # per database: 200 pulls compared

PROVIDERS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]

# the schemas of the multi-schema cases ("public" is Prisma's default schema)
SPACES = ["public", "auth", "billing"]

# the hand-added objects whose Prisma 7 rendering schemashift deliberately does not copy (docstring)
DIVERGENT = frozenset({"include_index", "btree_opclass"})

_TYPES = {
    "postgresql": ["String", "Int", "Boolean", "DateTime", "Float", "BigInt", "Decimal", "Json", "Bytes"],
    "sqlite": ["String", "Int", "Boolean", "DateTime", "Float", "BigInt", "Decimal", "Bytes"],
}
_DEFAULTS = {
    "String": ['"x"', '""', 'cuid()'],
    "Int": ["0", "42", "-1"],
    "Boolean": ["true", "false"],
    "DateTime": ["now()"],
    "Float": ["1.5", "0"],
    "BigInt": ["7"],
    "Decimal": ["2.5"],
}


@dataclass
class Model:
    name: str
    table: str | None  # @@map
    scalars: list[str] = field(default_factory=list)  # field lines
    relations: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)  # required String columns (db names)
    int_columns: list[str] = field(default_factory=list)
    json_columns: list[str] = field(default_factory=list)
    space: str | None = None  # @@schema (multi-schema cases)

    @property
    def db(self) -> str:
        return self.table or self.name

    @property
    def qualified(self) -> str:
        """The table in SQL, with its schema in a multi-schema case."""
        return f'"{self.space}"."{self.db}"' if self.space else f'"{self.db}"'


def generate(rng: random.Random, provider: str, spaces: list[str] | None = None) -> tuple[str, list[Model]]:
    """A schema body (no datasource) and its models. ``spaces``: a multi-schema case, each model
    and enum in one of them, some tables and enums with the same name in two schemas, relations
    across schemas."""
    count = rng.randint(2, 5) if not spaces else rng.randint(3, 6)
    models = [Model(f"M{i}{rng.choice(['', 'x', 'Item'])}", f"m{i}_t" if rng.random() < 0.2 else None) for i in range(count)]
    enums: list[str] = []
    if provider == "postgresql" and rng.random() < 0.5:
        enums.append("enum Kind {\n  A\n  B\n  C\n}")
    clash_enum = None
    if spaces:
        for i, m in enumerate(models):
            m.space = rng.choice(spaces)
            others = [o for o in models[:i] if o.space != m.space and o.db not in {x.db for x in models if x.space == m.space}]
            if others and rng.random() < 0.35:  # the same table name in two schemas
                m.table = rng.choice(others).db
        if enums:
            space = rng.choice(spaces)
            enums[0] = enums[0][:-1] + f'\n  @@schema("{space}")\n}}'
            if rng.random() < 0.5:  # an enum of the same name in another schema
                clash_enum = rng.choice([s for s in spaces if s != space])
                enums.append(f'enum KindToo {{\n  X\n  Y\n\n  @@map("Kind")\n  @@schema("{clash_enum}")\n}}')
    for m in models:
        m.scalars.append("id Int @id @default(autoincrement())")
        m.int_columns.append("id")
        for k in range(rng.randint(1, 6)):
            ftype = rng.choice(_TYPES[provider])
            name = f"f{k}{ftype.lower()}"
            column = name
            optional = rng.random() < 0.4
            attrs = []
            if ftype in _DEFAULTS and rng.random() < 0.3:
                attrs.append(f"@default({rng.choice(_DEFAULTS[ftype])})")
            if ftype in ("String", "Int") and not optional and rng.random() < 0.2:
                attrs.append("@unique")
            if rng.random() < 0.15:
                column = f"{name}_col"
                attrs.append(f'@map("{column}")')
            m.scalars.append(" ".join([f"{name} {ftype}{'?' if optional else ''}", *attrs]))
            if ftype == "String" and not optional:
                m.text_columns.append(column)
            if ftype == "Int":
                m.int_columns.append(column)
            if ftype == "Json":
                m.json_columns.append(column)
        if enums and rng.random() < 0.5:
            m.scalars.append(f"kind Kind{rng.choice(['', '?'])}")
        if clash_enum and rng.random() < 0.5:
            m.scalars.append("kindToo KindToo?")
        if len(m.int_columns) >= 2 and rng.random() < 0.4:
            m.blocks.append(f"@@index([{', '.join(_field_of(m, c) for c in m.int_columns[:2])}])")
        if len(m.text_columns) >= 2 and rng.random() < 0.3:
            m.blocks.append(f"@@unique([{', '.join(_field_of(m, c) for c in m.text_columns[:2])}])")
        if m.table:
            m.blocks.append(f'@@map("{m.table}")')
        if m.space:
            m.blocks.append(f'@@schema("{m.space}")')
    for i, m in enumerate(models[1:], start=1):
        for j in rng.sample(range(i), k=min(i, rng.randint(0, 2))):
            target = models[j]
            kind = rng.choice(["many", "many", "one", "m2m"])
            if kind == "m2m":
                m.relations.append(f"r{j}list {target.name}[]")
                target.relations.append(f"r{i}list {m.name}[]")
                continue
            fk = f"r{j}Id"
            unique = " @unique" if kind == "one" else ""
            optional = rng.random() < 0.5
            m.scalars.append(f"{fk} Int{'?' if optional else ''}{unique}")
            m.int_columns.append(fk)
            action = rng.choice(["", ", onDelete: Cascade", ", onDelete: SetNull" if optional else ""])
            m.relations.append(f"r{j} {target.name}{'?' if optional else ''} @relation(fields: [{fk}], references: [id]{action})")
            target.relations.append(f"back{i} {m.name}{'?' if kind == 'one' else '[]'}")
    blocks = []
    for m in models:
        # relation fields first: re-introspection writes the scalars in column order first
        lines = [f"  {f}" for f in m.relations + m.scalars]
        if m.blocks:
            lines += [""] + [f"  {b}" for b in m.blocks]
        blocks.append(f"model {m.name} {{\n" + "\n".join(lines) + "\n}")
    return "\n\n".join(blocks + enums) + "\n", models


def _field_of(m: Model, column: str) -> str:
    for line in m.scalars:
        name = line.split()[0]
        if name == column or f'@map("{column}")' in line:
            return name
    return column


def additions(rng: random.Random, provider: str, models: list[Model]) -> tuple[list[str], set[str], list[str]]:
    """Hand-written SQL run after the deployment, the kinds of objects it adds, and the statements
    that drop the DIVERGENT ones again."""
    sql: list[str] = []
    kinds: set[str] = set()
    drops: list[str] = []
    q = '"{}"'.format

    def want(kind: str, p: float = 0.12) -> bool:
        if rng.random() < p:
            kinds.add(kind)
            return True
        return False

    def index(m: Model, suffix: str) -> str:
        return (f"{q(m.space)}." if m.space else "") + q(m.db + suffix)

    for n, m in enumerate(models):
        t = m.qualified
        ints = m.int_columns
        texts = m.text_columns
        # (SQLite: Prisma 7's describer fails on a partial index, "Error accessing result set, column
        # not found: <index name>", so none there)
        if provider == "postgresql" and len(ints) > 1 and want("partial_index", 0.15):
            drops.append(f"DROP INDEX {index(m, '_partial')}")
            sql.append(f"CREATE INDEX {q(m.db + '_partial')} ON {t} ({q(ints[1])}) WHERE {q(ints[1])} > 0")
        if provider == "postgresql" and texts and want("partial_unique", 0.1):
            drops.append(f"DROP INDEX {index(m, '_puniq')}")
            sql.append(f"CREATE UNIQUE INDEX {q(m.db + '_puniq')} ON {t} ({q(texts[0])}) WHERE {q(texts[0])} <> ''")
        if want("expression_index", 0.08) and texts:
            sql.append(f"CREATE INDEX {q(m.db + '_expr')} ON {t} (lower({q(texts[0])}))")
        if want("check", 0.12) and ints:
            sql.append(f"ALTER TABLE {t} ADD CONSTRAINT {q(m.db + '_chk')} CHECK ({q(ints[0])} >= 0)" if provider == "postgresql" else "")
            if provider == "sqlite":
                kinds.discard("check")  # SQLite cannot add a CHECK to an existing table: a new table below
        if provider != "postgresql":
            continue
        if ints and texts and want("include_index", 0.04):
            drops.append(f"DROP INDEX {index(m, '_incl')}")
            sql.append(f"CREATE INDEX {q(m.db + '_incl')} ON {t} ({q(ints[0])}) INCLUDE ({q(texts[0])})")
        if texts and want("btree_opclass", 0.04):
            drops.append(f"DROP INDEX {index(m, '_ops')}")
            sql.append(f"CREATE INDEX {q(m.db + '_ops')} ON {t} ({q(texts[0])} text_pattern_ops)")
        if m.json_columns and want("gin_opclass"):
            sql.append(f"CREATE INDEX {q(m.db + '_gin')} ON {t} USING GIN ({q(m.json_columns[0])} jsonb_path_ops)")
        if len(ints) > 1 and want("nulls_first"):
            sql.append(f"CREATE INDEX {q(m.db + '_nf')} ON {t} ({q(ints[1])} NULLS FIRST)")
        if want("deferrable_unique") and ints:
            sql.append(f"ALTER TABLE {t} ADD CONSTRAINT {q(m.db + '_dfr')} UNIQUE ({q(ints[0])}) DEFERRABLE INITIALLY DEFERRED")
        if want("deferrable_fk", 0.3):
            for line in m.relations:
                if "@relation(fields: [" in line:
                    fk = line.split("fields: [")[1].split("]")[0]
                    sql.append(f"ALTER TABLE {t} ALTER CONSTRAINT {q(m.db + '_' + fk + '_fkey')} DEFERRABLE")
        if want("table_comment"):
            sql.append(f"COMMENT ON TABLE {t} IS 'table {n}'")
        if want("column_comment") and ints:
            sql.append(f"COMMENT ON COLUMN {t}.{q(ints[0])} IS 'column'")
    if provider == "postgresql":
        m = models[-1]
        if want("row_level_security", 0.1):
            sql.append(f"ALTER TABLE {m.qualified} ENABLE ROW LEVEL SECURITY")
        if want("exclusion", 0.1):
            sql.append(f"ALTER TABLE {m.qualified} ADD CONSTRAINT {q(m.db + '_excl')} EXCLUDE USING btree (id WITH =)")
        if want("inherited", 0.1):
            sql.append(f'CREATE TABLE "child" (extra INTEGER) INHERITS ({m.qualified})')
        if want("unsupported_type", 0.1):
            sql.append(f"ALTER TABLE {m.qualified} ADD COLUMN search tsvector, ADD COLUMN area circle")
    if want("no_identifier", 0.1):
        sql.append('CREATE TABLE "keyless" (a INTEGER, b TEXT)')
    if want("view", 0.3):
        m = models[0]
        sql.append(f'CREATE VIEW "{m.db}_view" AS SELECT id FROM {m.qualified}')
    if provider == "sqlite" and want("check", 0.2):
        sql.append('CREATE TABLE "checked" (id INTEGER PRIMARY KEY, n INTEGER CHECK (n > 0))')
    if provider == "postgresql" and want("partitioned", 0.2):
        sql.append('CREATE TABLE "measure" (id INTEGER NOT NULL, at DATE NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)')
        sql.append("CREATE TABLE \"measure_2020\" PARTITION OF \"measure\" FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')")
    if provider == "postgresql" and want("partitioned_without_partitions", 0.1):
        sql.append('CREATE TABLE "pending" (id INTEGER NOT NULL, at DATE NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)')
    if provider == "postgresql" and want("deferrable_pk", 0.05):
        sql.append('CREATE TABLE "deferred_pk" (id INTEGER PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)')
    if provider == "postgresql" and want("partial_gin", 0.05) and any(m.json_columns for m in models):
        m = next(m for m in models if m.json_columns)
        sql.append(f"CREATE INDEX {q(m.db + '_pgin')} ON {m.qualified} USING GIN ({q(m.json_columns[0])}) WHERE id > 10")
    return [s for s in sql if s], kinds, drops


HEADER = 'generator client {{\n  provider = "prisma-client-js"\n}}\n\ndatasource db {{\n  provider = "{provider}"\n}}\n'
# other ways projects write them (Prisma 7 re-renders both blocks: comments dropped, its property
# order, sorted preview features, the datasource after the generators)
HEADERS = [
    HEADER,
    (
        "// the client\ngenerator client {{\n  provider = \"prisma-client-js\" // JS\n"
        '  previewFeatures = ["relationJoins", "nativeDistinct"]\n  output = "../generated"\n}}\n\n'
        'datasource db {{\n  provider = "{provider}" // the database\n}}\n'
    ),
    (
        'datasource db {{\n  provider = "{provider}"\n  relationMode = "foreignKeys"\n}}\n\n'
        'generator client {{\n  /// the generated client\n  provider = "prisma-client"\n  moduleFormat = "esm"\n'
        '  output = "../src/generated"\n}}\n\ngenerator py {{\n  provider = "prisma-client-py"\n}}\n'
    ),
]


def _header(template: str, provider: str, spaces: list[str] | None) -> str:
    """A header of ``HEADERS`` for ``provider``, with the datasource's ``schemas`` in a multi-schema case."""
    text = template.format(provider=provider)
    if spaces:
        listed = ", ".join(f'"{s}"' for s in spaces)
        text = text.replace(f'provider = "{provider}"', f'provider = "{provider}"\n  schemas  = [{listed}]', 1)
    return text


@contextmanager
def _database(provider: str, tmp: Path) -> Iterator[str]:
    if provider == "sqlite":
        yield f"file:{tmp / 'dev.db'}"
        return
    with dbutil.postgres_database(dbutil.admin_url_or_skip("postgresql")) as url:
        yield url


def _deploy(url: str, provider: str, body: str, extra: list[str], spaces: list[str] | None = None) -> None:
    from schemashift.connectors import connect
    from schemashift.migrations import engine
    from schemashift.model import Schema

    dialect = engine.dialect_for(provider)
    target = engine.target_schema([("schema.prisma", _header(HEADER, provider, spaces) + body)], provider)
    with connect(url) as conn:
        engine.apply_script(conn, engine.render(engine.diff(Schema(), target, dialect), dialect))
        for statement in extra:
            conn.execute(statement)


def _warnings(err: str) -> str:
    return err[err.index("// *** WARNING ***") :] if "// *** WARNING ***" in err else ""


def _prisma7(schema: Path, url: str) -> tuple[str, str]:
    p = subprocess.run(
        [str(ORACLE), "pull", str(schema)],
        cwd=schema.parent,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    return p.stdout, _warnings(p.stderr)


@dataclass
class Tally:
    cases: int = 0
    identical: int = 0
    divergent: list[str] = field(default_factory=list)  # case ids that differ, with a DIVERGENT object

    def line(self, what: str) -> str:
        pct = 100.0 * self.identical / self.cases if self.cases else 0.0
        return f"{what}: {self.identical}/{self.cases} identical ({pct:.1f}%); differing, all with {sorted(DIVERGENT)}: {self.divergent}"


def _compare(schema: Path, url: str, run_cli) -> str | None:  # type: ignore[no-untyped-def]
    """None when both tools print the same, else the unified diff (Prisma 7's text first)."""
    ours = run_cli("db", "pull", "--print", "--schema", str(schema), "--url", url)
    assert ours.exit_code == 0, ours.err
    theirs = _prisma7(schema, url)
    mine = (ours.out, _warnings(ours.err))
    if mine == theirs:
        return None
    lines = difflib.unified_diff(
        "".join(theirs).splitlines(keepends=True), "".join(mine).splitlines(keepends=True), "prisma7", "schemashift"
    )
    return "".join(lines)


def run_cases(provider: str, count: int, seed0: int, tmp_path: Path, run_cli, multi_schema: bool = False) -> tuple[Tally, Tally]:  # type: ignore[no-untyped-def]
    """``count`` cases from ``seed0`` on: fails on a difference that is not explained by a DIVERGENT
    object, i.e. one that stays once those objects are dropped again. ``multi_schema``: the
    datasource lists two or three schemas (in a random order) and the models are spread over them."""
    fresh, reintro = Tally(), Tally()
    failures: list[str] = []
    for n in range(count):
        seed = seed0 + n
        rng = random.Random(seed)
        spaces = rng.sample(SPACES, rng.randint(2, 3)) if multi_schema else None
        body, models = generate(rng, provider, spaces)
        extra, kinds, drops = additions(rng, provider, models)
        tmp = tmp_path / f"case{seed}"
        tmp.mkdir()
        with _database(provider, tmp) as url:
            _deploy(url, provider, body, extra, spaces)
            differing: list[tuple[Tally, str, str]] = []
            for tally, existing in ((fresh, ""), (reintro, "\n" + body)):
                schema = tmp / ("fresh.prisma" if not existing else "existing.prisma")
                schema.write_text(_header(HEADERS[seed % len(HEADERS)], provider, spaces) + existing)
                tally.cases += 1
                diff = _compare(schema, url, run_cli)
                if diff is None:
                    tally.identical += 1
                else:
                    differing.append((tally, existing, diff))
            if differing and drops:
                _deploy_more(url, drops)
            for tally, existing, diff in differing:
                what = f"seed {seed} ({'re-introspection' if existing else 'fresh'}, added {sorted(kinds)})"
                if not drops:
                    failures.append(f"{what}:\n{diff}")
                    continue
                rest = _compare(tmp / ("fresh.prisma" if not existing else "existing.prisma"), url, run_cli)
                if rest is None:
                    tally.divergent.append(f"{seed}{'r' if existing else ''}:{sorted(kinds & DIVERGENT)}")
                else:
                    failures.append(f"{what}, still after dropping {sorted(kinds & DIVERGENT)}:\n{rest}")
    if multi_schema:
        provider += ", multi-schema"
    print(f"\n[{provider}] " + fresh.line("fresh pull") + f"\n[{provider}] " + reintro.line("re-introspection"))
    assert not failures, f"{len(failures)} unexplained differences; the first ones:\n" + "\n\n".join(failures[:4])
    return fresh, reintro


def _deploy_more(url: str, statements: list[str]) -> None:
    from schemashift.connectors import connect

    with connect(url) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_pull_matches_prisma7(provider: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    run_cases(provider, SMALL_CASES, 1000, tmp_path, run_cli)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_pull_matches_prisma7_many(provider: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    run_cases(provider, SLOW_CASES, int(os.environ.get("SCHEMASHIFT_DIFFERENTIAL_SEED", "20000")), tmp_path, run_cli)


@pytest.mark.postgres
@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
def test_multi_schema_pull_matches_prisma7(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    run_cases("postgresql", SMALL_CASES, 5000, tmp_path, run_cli, multi_schema=True)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
def test_multi_schema_pull_matches_prisma7_many(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    seed = int(os.environ.get("SCHEMASHIFT_DIFFERENTIAL_SEED", "20000")) + 50000
    run_cases("postgresql", SLOW_CASES, seed, tmp_path, run_cli, multi_schema=True)


# ---------------------------------------------------------------- a schema folder (prismaSchemaFolder)

FOLDER = {
    "config.prisma": 'generator client {{\n  provider = "prisma-client-js"\n}}\n\ndatasource db {{\n  provider = "{provider}"\n}}\n',
    "user.prisma": "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n  posts Post[]\n}\n",
    "post.prisma": (
        "model Post {\n  author   User @relation(fields: [authorId], references: [id])\n"
        "  id       Int  @id @default(autoincrement())\n  authorId Int\n}\n"
    ),
    "gone.prisma": "model Gone {\n  id Int @id\n}\n",
}


@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_schema_folder_matches_prisma7(provider: str, tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Re-introspection of a ``prisma/schema/`` folder: each model back to its file, new tables to
    ``introspected.prisma``, a file whose table is gone written empty; ``--print`` and the files
    written, both as Prisma 7; then the same with ``--force``."""
    with _database(provider, tmp_path) as url:
        body = "\n".join(text for name, text in FOLDER.items() if name not in ("config.prisma", "gone.prisma"))
        _deploy(url, provider, body, ['CREATE TABLE "Zeta" (id INTEGER PRIMARY KEY, note TEXT)'])
        for tool in ("prisma7", "schemashift"):
            folder = tmp_path / tool / "prisma" / "schema"
            folder.mkdir(parents=True)
            for name, text in FOLDER.items():
                (folder / name).write_text(text.format(provider=provider) if name == "config.prisma" else text)
        monkeypatch.chdir(tmp_path / "schemashift")
        ours = run_cli("db", "pull", "--print", "--schema", "prisma/schema", "--url", url)
        assert ours.exit_code == 0, ours.err
        theirs = _prisma7_folder(tmp_path / "prisma7", url, "pull", "prisma/schema")
        assert ours.out == theirs
        assert "// prisma/schema/introspected.prisma\nmodel Zeta {" in ours.out
        # written: the same files with the same text
        assert run_cli("db", "pull", "--schema", "prisma/schema", "--url", url).exit_code == 0
        _prisma7_folder(tmp_path / "prisma7", url, "prisma", "prisma/schema", "db", "pull")
        written = {
            tool: {p.name: p.read_text() for p in (tmp_path / tool / "prisma" / "schema").iterdir()}
            for tool in ("prisma7", "schemashift")
        }
        assert written["schemashift"] == written["prisma7"]
        assert written["schemashift"]["gone.prisma"] == "\n"
        # --force: everything, datasource and generator too, into introspected.prisma alone
        ours = run_cli("db", "pull", "--print", "--force", "--schema", "prisma/schema", "--url", url)
        assert ours.exit_code == 0, ours.err
        assert ours.out == _prisma7_folder(tmp_path / "prisma7", url, "prisma", "prisma/schema", "db", "pull", "--print", "--force")
        assert run_cli("db", "pull", "--force", "--schema", "prisma/schema", "--url", url).exit_code == 0
        _prisma7_folder(tmp_path / "prisma7", url, "prisma", "prisma/schema", "db", "pull", "--force")
        written = {
            tool: {p.name: p.read_text() for p in (tmp_path / tool / "prisma" / "schema").iterdir()}
            for tool in ("prisma7", "schemashift")
        }
        assert written["schemashift"] == written["prisma7"]
        assert list(written["schemashift"]) == ["introspected.prisma"]


def _prisma7_folder(cwd: Path, url: str, *args: str) -> str:
    p = subprocess.run(
        [str(ORACLE), *args], cwd=cwd, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.skipif(not HAS_ORACLE, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_config_blocks_order_matches_prisma7(provider: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A datasource written before the generator: Prisma 7 writes the generators first."""
    with _database(provider, tmp_path) as url:
        _deploy(url, provider, FOLDER["user.prisma"] + "\n" + FOLDER["post.prisma"], [])
        schema = tmp_path / "schema.prisma"
        schema.write_text(
            f'datasource db {{\n  provider = "{provider}"\n}}\n\n// the client\n'
            'generator client {\n  provider = "prisma-client-js"\n  output = "./generated"\n}\n'
        )
        assert _compare(schema, url, run_cli) is None
        ours = run_cli("db", "pull", "--print", "--schema", str(schema), "--url", url).out
        assert ours.index("generator client") < ours.index("datasource db")
