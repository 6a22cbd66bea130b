"""The shadow cache holds plain, authenticated data: no file in it can run code, and a file that
this user did not write (committed with ``git add -f``, truncated, of another format or model) is
ignored and rebuilt; the model survives a JSON round trip unchanged."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemashift import model_json
from schemashift.migrations.engine import target_schema
from schemashift.migrations.folder import list_migrations
from schemashift.migrations.shadow import CACHE_DIR_NAME, ShadowCache, history_key
from schemashift.model import (
    Arity,
    UnmanagedIndex,
    Unexpressed,
    BoolLit,
    BytesLit,
    Column,
    ColumnType,
    DateTimeLit,
    DbGeneratedDefault,
    DecimalLit,
    EnumLit,
    EnumType,
    Extension,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexAlgorithm,
    IndexColumn,
    IndexKind,
    IntLit,
    JsonLit,
    ListLit,
    LiteralDefault,
    NowDefault,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SequenceOptions,
    SortOrder,
    StrLit,
    Table,
)

FIXTURES = Path(__file__).parent.parent / "engine" / "fixtures"
SECRET = b"0123456789abcdef" * 4


def every_type() -> Schema:
    """A schema holding an instance of every model class and every enum member."""
    literals = (StrLit("a'b"), IntLit(-2**70), FloatLit("1e10"), DecimalLit("1.50"), BoolLit(False),
                EnumLit("A"), BytesLit("AAE="), DateTimeLit("2026-01-01T00:00:00Z"), JsonLit('{"a":[1]}'))
    columns = [
        Column("c_list", ColumnType(Family.INT, "Integer", ()), Arity.LIST,
               LiteralDefault(ListLit((IntLit(1), ListLit((StrLit("x"),)), ListLit(()))))),
        Column("c_now", ColumnType(Family.DATETIME, "Timestamp", (3,)), Arity.NULLABLE, NowDefault()),
        Column("c_gen", ColumnType(Family.UUID, "Uuid"), default=DbGeneratedDefault("gen_random_uuid()")),
        Column("c_gen0", ColumnType(Family.STRING), default=DbGeneratedDefault(None)),
        Column("c_enum", ColumnType(Family.ENUM, enum="Role", enum_schema="auth")),
        Column("c_raw", ColumnType(Family.UNSUPPORTED, raw="circle")),
        Column("id", ColumnType(Family.BIGINT, "BigInt"), autoincrement=True, sequence="t_id_seq"),
        Column("c_seq", ColumnType(Family.INT, "Int4"), autoincrement=True, sequence="prisma_sequence_t_c_seq",
               sequence_options=SequenceOptions(start=5, increment=2, virtual=True)),
        Column("c_client", ColumnType(Family.STRING, "Text", (1, 2)), client_default=True),
        *(Column(f"lit{i}", ColumnType(f), default=LiteralDefault(lit)) for i, (lit, f) in enumerate(zip(literals, Family))),
    ]
    indexes = tuple(
        Index(f"i_{kind.value}_{alg.value if alg else 'none'}",
              (IndexColumn("c_now", SortOrder.DESC, 10, "jsonb_path_ops"), IndexColumn("id", SortOrder.ASC), IndexColumn("c_gen")),
              kind, alg)
        for kind in IndexKind for alg in (None, *IndexAlgorithm)
    )
    fks = tuple(ForeignKey(f"fk_{a.name}", ("id",), "other", ("id",), a, b, "auth" if a is b else None)
                for a in ReferentialAction for b in ReferentialAction)
    unmanaged = (
        UnmanagedIndex("t_live_key", True, frozenset(Unexpressed), ("id",), 'CREATE UNIQUE INDEX "t_live_key" ...'),
        UnmanagedIndex("t_expr_idx", False, frozenset({Unexpressed.EXPRESSION})),
    )
    t = Table("t", tuple(columns), PrimaryKey("t_pkey", (IndexColumn("id"),)), indexes, fks, schema="auth",
              unmanaged_indexes=unmanaged)
    keyless = Table("other", (Column("id", ColumnType(Family.INT)),), PrimaryKey(None, (IndexColumn("id", SortOrder.DESC),)))
    return Schema(
        tables=(t, keyless),
        enums=(EnumType("Role", ("A", "B"), "auth"), EnumType("Empty", ())),
        namespaces=("auth", "public"),
        extensions=(Extension("citext", "public", "1.6", relocatable=True), Extension("pgcrypto")),
        default_namespace="public",
    )


def _identical(a: object, b: object) -> None:
    """Equal, and equal in the fields ``==`` skips (compare=False) too."""
    assert a == b
    assert _same(a, b), f"{a!r}\n!=\n{b!r}"


def _same(a: object, b: object) -> bool:
    """Field by field, every field (sets compared as sets, whatever their iteration order)."""
    import dataclasses

    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return a == b


def test_every_model_type_round_trips() -> None:
    schema = every_type()
    used = {type(x).__name__ for x in _walk(schema)}
    classes = {c.__name__ for c in vars(__import__("schemashift.model", fromlist=["x"])).values()
               if isinstance(c, type) and c.__module__ == "schemashift.model"}
    assert classes <= used  # the example really holds every class and enum of the model
    _identical(model_json.loads(model_json.dumps(schema)), schema)


def _walk(value: object) -> list[object]:
    import dataclasses

    out = [value]
    if isinstance(value, (tuple, frozenset)):
        for v in value:
            out += _walk(v)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            out += _walk(getattr(value, f.name))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(Schema))
def test_generated_schemas_round_trip(schema: Schema) -> None:
    _identical(model_json.loads(model_json.dumps(schema)), schema)


@pytest.mark.parametrize("provider", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_engine_fixtures_round_trip(provider: str) -> None:
    files = sorted(FIXTURES.glob(f"{provider}/*/*.prisma"))
    assert files
    for path in files:
        src = path.read_text()
        if "datasource" not in src:
            src = f'datasource db {{\n  provider = "{provider}"\n}}\n{src}'
        schema = target_schema([(str(path), src)], validate=False)
        _identical(model_json.loads(model_json.dumps(schema)), schema)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"[[],[],[]", "truncated JSON"),
        (b'{"tables":[]}', "an object, not the schema array"),
        (b'[[["t",[["id",["Int"],true]]]]]', "true where the arity enum is"),
        (b'[[["t",[["id",["Int",null,[true]]]]]]]', "true where an int is"),
        (b'[[["t",[["id",["Nope"]]]]]]', "no such family"),
        (b'[[["t",[["id",["Int"],"required",["Evil","x"]]]]]]', "an unknown $type"),
        (b'[[["t",[["id",["Int"],"required",["LiteralDefault",["ListLit",[["os.system","x"]]]]]]]]]', "a class name from outside"),
        (b'[[],[],[],[],null,"extra"]', "too many values"),
        (b'[[["t"]]]', "a required field missing"),
        (b'[[["t",{"__class__":"x"}]]]', "an object in an array's place"),
        (b"[" * 100000, "deep nesting"),
    ],
)
def test_bad_data_is_refused(data: bytes, why: str) -> None:
    with pytest.raises(model_json.ModelDecodeError):
        model_json.loads(data)


# ---------------------------------------------------------------- the cache files


def test_cache_round_trip_and_foreign_files(tmp_path: Path) -> None:
    cache = ShadowCache(tmp_path / "c", secret=SECRET)
    schema = every_type()
    assert cache.get("k") is None
    cache.put("k", schema)
    _identical(cache.get("k"), schema)
    path = tmp_path / "c" / "k.json"
    raw = path.read_bytes()
    assert raw.startswith(b"schemashift-shadow-cache 1 " + model_json.FINGERPRINT.encode() + b" ")
    assert (tmp_path / ".gitignore").read_text() == "*\n"

    # another user's (or repository's) secret: ignored
    assert ShadowCache(tmp_path / "c", secret=b"x" * 64).get("k") is None
    # the same file under another history's key: ignored
    (tmp_path / "c" / "other.json").write_bytes(raw)
    assert cache.get("other") is None
    # changed data, truncated, another format, another model
    header, _, data = raw.partition(b"\n")
    for bad in (
        header + b"\n" + data.replace(b'"t"', b'"u"', 1),
        raw[: len(raw) // 2],
        header.replace(b" 1 ", b" 2 ", 1) + b"\n" + data,
        header.replace(model_json.FINGERPRINT.encode(), b"0" * 16) + b"\n" + data,
        data,
    ):
        path.write_bytes(bad)
        assert cache.get("k") is None
    cache.put("k", schema)  # rebuilt over the bad file
    _identical(cache.get("k"), schema)


def test_secret_is_private_and_shared_by_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = ShadowCache(tmp_path / "c")
    first.put("k", Schema())
    key_file = tmp_path / "xdg" / "schemashift" / "shadow-cache.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert ShadowCache(tmp_path / "c").get("k") == Schema()  # a later run reads it back


class _Exploit:
    """Unpickling this creates a file: what a crafted cache entry would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


SCHEMA_V1 = 'datasource db {\n  provider = "sqlite"\n  url = "file:./dev.db"\n}\nmodel User {\n  id Int @id\n}\n'
SCHEMA_V2 = SCHEMA_V1 + "model Post {\n  id Int @id\n}\n"


def test_crafted_pickle_is_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA_V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0

    # a crafted entry for the history that the next `migrate dev` looks up, under every name
    key = history_key("sqlite", list_migrations(tmp_path / "prisma/migrations"))
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit(marker))
    pickle.loads(payload)  # the payload works: unpickling it creates the marker
    assert marker.exists()
    marker.unlink()
    cache_dir = tmp_path / CACHE_DIR_NAME
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name in (f"{key}.pickle", f"{key}.json"):
        (cache_dir / name).write_bytes(payload)

    # a new process, as on a colleague's machine after `git pull`
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA_V2)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.run([sys.executable, "-m", "schemashift", "migrate", "dev", "--name", "post"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists()
    assert len(list_migrations(tmp_path / "prisma/migrations")) == 2
    assert not (cache_dir / f"{key}.pickle").exists()  # old-format entries are cleared
    rebuilt = ShadowCache(cache_dir).get(key)  # the crafted entry was replaced by a real one
    assert rebuilt is not None and [t.name for t in rebuilt.tables if t.name == "User"] == ["User"]
    assert not marker.exists()


def test_fingerprint_is_the_same_in_every_process() -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    out = subprocess.run([sys.executable, "-c", "from schemashift import model_json; print(model_json.FINGERPRINT)"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == model_json.FINGERPRINT
