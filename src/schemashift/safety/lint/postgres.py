"""PostgreSQL checks: each statement parsed by Postgres' own parser (pglast), walked as JSON.

State carried through a file: whether a transaction is open (schemashift's own, or an explicit
BEGIN in a migration that runs statement by statement), the tables created so far (changes to a
table created in the same transaction lock nobody), constraints added NOT VALID, enum values
added, tables altered in the transaction, and whether lock_timeout/statement_timeout are set.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from typing import Any

from schemashift.extras import missing

try:
    import pglast
except ImportError:
    raise missing("pglast", "lint") from None

from schemashift.safety.lint import pgrules as R
from schemashift.safety.lint.engine import SYNTAX_ERROR, Context
from schemashift.dialects.scripts import RunMode
from schemashift.safety.lint.source import Statement

Node = dict[str, Any]

# Functions that are not volatile: a default using only these (and constants, casts, operators)
# is evaluated once when the column is added, without rewriting the table.
NON_VOLATILE = frozenset(
    """now statement_timestamp transaction_timestamp current_date current_time current_timestamp
    localtime localtimestamp lower upper btrim ltrim rtrim trim length char_length concat concat_ws
    substr substring replace to_char to_date to_timestamp to_number make_date make_time
    make_timestamp make_timestamptz make_interval date_trunc date_part extract timezone abs round
    floor ceil ceiling trunc greatest least coalesce nullif json_build_object jsonb_build_object
    json_build_array jsonb_build_array to_json to_jsonb array_to_json md5 sha256 encode decode
    gen_random_bytes_length current_user current_schema session_user pg_catalog int4 int8 text
    numeric bool array_fill""".split()
)
INT4 = {"int4", "int", "integer", "serial", "serial4"}
INT2 = {"int2", "smallint", "smallserial", "serial2"}
SERIAL = {"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"}
CHAR = {"bpchar", "char", "character"}
# Statements that take no lock worth a timeout (DML, session settings); every other DDL may wait
# behind a lock (a plain CREATE TABLE only when it references another table).
LOCK_FREE = {
    "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "VariableSetStmt", "VariableShowStmt",
    "TransactionStmt", "GrantStmt", "GrantRoleStmt", "DoStmt", "CopyStmt", "ExplainStmt", "CallStmt",
    "NotifyStmt", "MergeStmt", "CheckPointStmt", "DiscardStmt", "PrepareStmt", "ExecuteStmt",
}


def _one(node: Node) -> tuple[str, Node]:
    ((kind, body),) = node.items()
    return kind, body


def _names(names: list[Node] | None) -> list[str]:
    return [n["String"]["sval"] for n in names or () if "String" in n]


def _type_name(col: Node) -> str:
    names = _names(col.get("typeName", {}).get("names"))
    return names[-1].lower() if names else ""


def _walk(node: Any) -> Iterator[tuple[str, Node]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, dict):
                yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def is_volatile(expr: Node | None) -> bool:
    """Whether a default expression may give each row a different value (forcing a rewrite)."""
    if not expr:
        return False
    for kind, body in _walk(expr):
        if kind == "FuncCall":
            name = _names(body.get("funcname"))
            if not name or name[-1].lower() not in NON_VOLATILE:
                return True
        elif kind in ("SubLink", "ColumnRef"):
            return True
    return False


OPT_IN_SUBTYPES = {
    "AT_SetExpression": R.BAN_ALTER_GENERATED_EXPRESSION,
    "AT_DropInherit": R.BAN_DETACH_INHERITANCE,
    "AT_ReplicaIdentity": R.BAN_REPLICA_IDENTITY,
    "AT_DisableTrig": R.BAN_DISABLE_TRIGGER,
    "AT_DisableTrigAll": R.BAN_DISABLE_TRIGGER,
    "AT_DisableTrigUser": R.BAN_DISABLE_TRIGGER,
    "AT_EnableTrig": R.BAN_DISABLE_TRIGGER,
    "AT_EnableTrigAll": R.BAN_DISABLE_TRIGGER,
    "AT_EnableTrigUser": R.BAN_DISABLE_TRIGGER,
    "AT_EnableAlwaysTrig": R.BAN_DISABLE_TRIGGER,
    "AT_EnableReplicaTrig": R.BAN_DISABLE_TRIGGER,
    "AT_ChangeOwner": R.BAN_REVOKE,
    "AT_EnableRowSecurity": R.BAN_ALTER_ROW_LEVEL_SECURITY,
    "AT_DisableRowSecurity": R.BAN_ALTER_ROW_LEVEL_SECURITY,
    "AT_ForceRowSecurity": R.BAN_ALTER_ROW_LEVEL_SECURITY,
    "AT_NoForceRowSecurity": R.BAN_ALTER_ROW_LEVEL_SECURITY,
}


Type = tuple[str, tuple[int, ...]]
# Type changes PostgreSQL makes without rewriting the table or its indexes (binary coercible,
# length limits only relaxed). Anything else is reported.
_WIDEN_FREE = {("varchar", "text"), ("varchar", "varchar"), ("text", "varchar"), ("bpchar", "text"),
               ("bpchar", "varchar"), ("numeric", "numeric"), ("cidr", "inet"), ("varbit", "varbit"),
               ("bit", "varbit")}


def _type_of(col: Node) -> Type:
    tn = col.get("typeName", {})
    mods = []
    for m in tn.get("typmods", ()):
        v = m.get("A_Const", {}).get("ival", {})
        mods.append(int(v.get("ival", 0)) if isinstance(v, dict) else 0)
    name = _type_name(col)
    return ({"character varying": "varchar", "character": "bpchar", "decimal": "numeric"}.get(name, name), tuple(mods))


def _binary_coercible(old: Type, new: Type) -> bool:
    """True when ALTER COLUMN TYPE old -> new is metadata-only (no rewrite, no index rebuild)."""
    (a, am), (b, bm) = old, new
    if (a, b) not in _WIDEN_FREE:
        return False
    if b == "text" and a != "bpchar":
        return True
    if a == "bpchar":  # char(n) -> varchar/text strips trailing blanks: a rewrite
        return False
    if not bm:  # varchar(n) -> varchar, numeric(p,s) -> numeric: limit removed
        return True
    if not am:
        return False
    if a == "numeric":  # same scale, more precision
        return len(am) == len(bm) and (len(am) < 2 or am[1] == bm[1]) and bm[0] >= am[0]
    return bm[0] >= am[0]


class PgLinter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.wrapped = ctx.in_transaction  # schemashift runs the whole file in one transaction
        self.in_tx = ctx.in_transaction
        self.explicit_begin: Statement | None = None
        self.created: set[Any] = set()
        self.altered: set[Any] = set()
        self.not_valid: set[Any] = set()  # constraints added NOT VALID in the open transaction
        self.dropped_constraints: set[Any] = set()
        # CHECK (col IS NOT NULL) constraints: name -> (table, column), and the validated ones;
        # shared with the folder's earlier migrations
        self.validated_not_null = ctx.history.validated_not_null
        self.check_columns = ctx.history.check_columns
        self.new_enum_values: set[str] = set()
        self.lock_timeout = ctx.config.lock_timeout
        self.statement_timeout = ctx.config.statement_timeout
        self.stmt: Statement | None = None
        self.whole_wrap = False
        self.text = ""
        self.ascii = True

    # ------------------------------------------------------------------ helpers
    def at(self, location: int | None) -> int | None:
        """Character offset in the statement of a parser (byte) location."""
        if location is None or location < 0:
            return None
        if self.ascii:
            return location
        return len(self.text.encode("utf-8")[:location].decode("utf-8", "replace"))

    def report(self, rule_id: str, location: int | None = None, message: str | None = None, length: int | None = None) -> None:
        assert self.stmt is not None
        start = self.at(location)
        end = None if start is None or length is None else start + length
        self.ctx.report(rule_id, self.stmt, start, end, message)

    def new_table(self, rel: Node | None) -> bool:
        """Created earlier in the same transaction: invisible to others, so its locks block nobody."""
        return rel is not None and self.in_tx and rel.get("relname") in self.created

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        parsed: list[tuple[Statement, list[tuple[str, Node]] | str]] = []
        for stmt in self.ctx.script.statements:
            try:
                tree = json.loads(pglast.parser.parse_sql_json(stmt.text))
                parsed.append((stmt, [_one(raw["stmt"]) for raw in tree.get("stmts", ())]))
            except pglast.parser.ParseError as exc:
                parsed.append((stmt, str(exc.args[0] if exc.args else exc)))
        # The dialect's plan decides (dialects/scripts.py): statement by statement (CONCURRENTLY,
        # `transaction off`) is never in a transaction; a file wrapped by schemashift, or one with
        # its own BEGIN/COMMIT (run as written), is linted as one unit of work: a COMMIT before its
        # end (transaction-nesting) leaves it half applied when a later statement fails.
        plan = self.ctx.script.plan
        wrapped = plan is None or (plan.mode is not RunMode.STATEMENTS and not plan.refusing)
        self.ctx.in_transaction = self.wrapped = self.in_tx = wrapped
        # Prisma's own pattern (e.g. redefining an enum): the whole script inside BEGIN ... COMMIT.
        # Inside schemashift's transaction that is one transaction still: not reported.
        kinds = [nodes[0][1].get("kind") if not isinstance(nodes, str) and len(nodes) == 1 and nodes[0][0] == "TransactionStmt"
                 else None for _, nodes in parsed]
        self.whole_wrap = (
            self.wrapped and len(kinds) >= 2 and kinds[0] == "TRANS_STMT_BEGIN" and kinds[-1] == "TRANS_STMT_COMMIT"
            and all(k is None for k in kinds[1:-1])
        )
        for stmt, nodes in parsed:
            self.stmt, self.text, self.ascii = stmt, stmt.text, stmt.text.isascii()
            if isinstance(nodes, str):
                self.report(SYNTAX_ERROR, None, f"Syntax error: {nodes}")
                continue
            for kind, body in nodes:
                self.statement(kind, body)
        self.identifiers()
        if self.explicit_begin is not None:
            self.stmt = self.explicit_begin
            self.text, self.ascii = self.stmt.text, self.stmt.text.isascii()
            self.report(R.BAN_UNCOMMITTED_TRANSACTION)

    def statement(self, kind: str, body: Node) -> None:
        assert self.stmt is not None
        if kind in ("IndexStmt", "AlterTableStmt", "UpdateStmt", "DeleteStmt"):
            self.ctx.on_table(self.stmt, (body.get("relation") or {}).get("relname"))
        elif kind == "DropStmt" and body.get("removeType") == "OBJECT_INDEX":
            objects = body.get("objects") or []
            names = _names(objects[0].get("List", {}).get("items")) if len(objects) == 1 and "List" in objects[0] else []
            if names:
                self.ctx.on_table(self.stmt, names[-1], "index")
        self.timeouts(kind, body)
        handler = getattr(self, f"on_{kind}", None)
        if handler is not None:
            handler(body)

    # ------------------------------------------------------------------ file-level rules
    def timeouts(self, kind: str, body: Node) -> None:
        if kind == "VariableSetStmt":
            name = (body.get("name") or "").lower()
            if name == "lock_timeout":
                self.lock_timeout = True
            elif name == "statement_timeout":
                self.statement_timeout = True
            return
        if kind in LOCK_FREE or (kind == "CreateStmt" and not self._has_foreign_key(body)):
            return
        if kind == "VacuumStmt" and not body.get("is_vacuumcmd"):
            return  # ANALYZE: a SHARE UPDATE EXCLUSIVE lock that blocks no reads or writes
        touched = self._touched_tables(kind, body)
        if touched is not None:
            own, referenced = touched
            # A table created earlier in this transaction (or by this very statement) is invisible
            # to other sessions: locking it waits for nobody, and the work on it (an index, a
            # foreign key's check) reads no rows. Only the tables that already exist count: the
            # foreign key of a new table still locks the table it references.
            waits = any(not self.new_table(r) for r in referenced) or (
                own is not None and kind != "CreateStmt" and not self.new_table(own)
            )
            slow = own is not None and kind != "CreateStmt" and not self.new_table(own)
        else:  # a statement whose tables are not followed: it may lock and be slow
            waits = slow = True
        if waits and not self.lock_timeout:
            self.report(R.REQUIRE_LOCK_TIMEOUT)
            self.lock_timeout = True  # once per file
        if slow and not self.statement_timeout:
            self.report(R.REQUIRE_STATEMENT_TIMEOUT)
            self.statement_timeout = True

    def _touched_tables(self, kind: str, body: Node) -> tuple[Node | None, list[Node]] | None:
        """(the table a CREATE TABLE / CREATE INDEX / ALTER TABLE works on, the tables its foreign
        keys reference), or None for the other statements (not followed)."""
        if kind not in ("CreateStmt", "IndexStmt", "AlterTableStmt"):
            return None
        if kind == "AlterTableStmt" and body.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
            return None
        referenced: list[Node] = []
        elements = body.get("tableElts", ()) if kind == "CreateStmt" else [
            cmd.get("AlterTableCmd", {}).get("def") or {} for cmd in body.get("cmds", ())
        ]
        for elt in elements:
            if not elt:
                continue
            el_kind, el = _one(elt)
            cons = [el] if el_kind == "Constraint" else [c["Constraint"] for c in el.get("constraints", ()) if "Constraint" in c]
            referenced += [c["pktable"] for c in cons if c.get("contype") == "CONSTR_FOREIGN" and c.get("pktable")]
        return body.get("relation"), referenced

    def identifiers(self) -> None:
        script = self.ctx.script
        starts = [st.start for st in script.statements]
        for tok in script.long_identifiers:
            raw = tok.text
            name = (raw[1:-1].replace('""', '"') if raw.startswith('"') else raw.lower()).encode("utf-8")
            if len(name) <= 63:
                continue
            i = bisect.bisect_right(starts, tok.start) - 1
            if i < 0:
                continue
            stmt = script.statements[i]
            self.ctx.report(
                R.IDENTIFIER_TOO_LONG, stmt, tok.start - stmt.start, tok.end - stmt.start,
                f"`{name.decode('utf-8')}` is {len(name)} bytes long: PostgreSQL truncates identifiers to 63 bytes.",
            )

    # ------------------------------------------------------------------ transactions
    def on_TransactionStmt(self, body: Node) -> None:
        kind = body.get("kind", "")
        if self.whole_wrap:
            return
        if kind in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
            if self.in_tx:
                self.report(R.TRANSACTION_NESTING, message="A transaction is already open here "
                            + ("(schemashift runs this migration in one)." if self.wrapped else "(BEGIN twice)."))
                return
            self.in_tx = True
            self.explicit_begin = self.stmt
            self._reset_tx()
        elif kind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"):
            if self.wrapped:
                self.report(R.TRANSACTION_NESTING, message="COMMIT/ROLLBACK ends the transaction schemashift runs "
                            "this migration in: what follows is no longer atomic with what came before.")
                self.wrapped = False
                self.in_tx = False
                return
            if self.explicit_begin is None:
                self.report(R.TRANSACTION_NESTING, message="There is no transaction to COMMIT or ROLLBACK here.")
                return
            self.explicit_begin = None
            self.in_tx = False
            self._reset_tx()

    def _reset_tx(self) -> None:
        self.created.clear()
        self.altered.clear()
        self.not_valid.clear()
        self.new_enum_values.clear()

    # ------------------------------------------------------------------ columns and types
    def column_types(self, col: Node) -> None:
        t = _type_name(col)
        loc = col.get("typeName", {}).get("location")
        if t in INT4:
            self.report(R.PREFER_BIGINT_OVER_INT, loc)
        if t in INT2:
            self.report(R.PREFER_BIGINT_OVER_SMALLINT, loc)
        if t in SERIAL:
            self.report(R.PREFER_IDENTITY, loc)
        if t == "varchar" and col.get("typeName", {}).get("typmods"):
            self.report(R.PREFER_TEXT_FIELD, loc)
        if t in CHAR:
            self.report(R.BAN_CHAR_FIELD, loc)
        if t == "timestamp":
            self.report(R.PREFER_TIMESTAMPTZ, loc)

    def _has_foreign_key(self, create: Node) -> bool:
        for elt in create.get("tableElts", ()):
            kind, body = _one(elt)
            cons = [body] if kind == "Constraint" else [c["Constraint"] for c in body.get("constraints", ())]
            if any(c.get("contype") == "CONSTR_FOREIGN" for c in cons):
                return True
        return False

    # ------------------------------------------------------------------ CREATE
    def on_CreateStmt(self, body: Node) -> None:
        rel = body.get("relation", {})
        if not rel.get("schemaname") and rel.get("relpersistence") != "t":
            self.report(R.REQUIRE_TABLE_SCHEMA, rel.get("location"))
        for elt in body.get("tableElts", ()):
            kind, el = _one(elt)
            if kind == "ColumnDef":
                self.column_types(el)
                self.ctx.history.columns[(rel.get("relname"), el.get("colname"))] = _type_of(el)
        if not body.get("if_not_exists") and not self.in_tx:
            temp_drop = rel.get("relpersistence") == "t" and body.get("oncommit") == "ONCOMMIT_DROP"
            if not temp_drop:
                self.report(R.PREFER_ROBUST_STMTS, message="CREATE TABLE without IF NOT EXISTS fails when the "
                            "migration is re-run after failing part way (it runs outside a transaction).")
        self.created.add(rel.get("relname"))

    def on_IndexStmt(self, body: Node) -> None:
        concurrent = body.get("concurrent", False)
        if body.get("unique") and not self.new_table(body.get("relation")):
            self.report(R.BAN_NEW_WRITE_RESTRICTION)
        if concurrent and self.in_tx:
            self.report(R.BAN_CONCURRENT_INDEX_IN_TX)
        if not concurrent and not self.new_table(body.get("relation")):
            self.report(R.REQUIRE_CONCURRENT_INDEX_CREATION)
        if not body.get("if_not_exists") and body.get("idxname") and (concurrent or not self.in_tx):
            self.report(R.PREFER_ROBUST_STMTS, message="CREATE INDEX without IF NOT EXISTS fails when the migration "
                        "is re-run after failing part way (a failed CONCURRENTLY build also leaves an INVALID index "
                        "behind: drop it first).")

    def on_CreateDomainStmt(self, body: Node) -> None:
        for c in body.get("constraints", ()):
            if c.get("Constraint", {}).get("contype") in ("CONSTR_CHECK", "CONSTR_NOTNULL"):
                self.report(R.BAN_CREATE_DOMAIN_WITH_CONSTRAINT, c["Constraint"].get("location"))

    def on_AlterDomainStmt(self, body: Node) -> None:
        if body.get("subtype") in ("C", "O"):
            self.report(R.BAN_NEW_WRITE_RESTRICTION)
        if body.get("subtype") == "C":
            self.report(R.BAN_ALTER_DOMAIN_WITH_ADD_CONSTRAINT)
        elif body.get("subtype") == "X":
            self.report(R.BAN_DROP_CONSTRAINT)

    def on_AlterEnumStmt(self, body: Node) -> None:
        if body.get("oldVal"):
            self.report(R.RENAMING_OBJECT)
            return
        if body.get("newVal") is None:
            return
        self.report(R.BAN_ADD_ENUM_VALUE)
        if not body.get("newValNeighbor"):
            self.report(R.REQUIRE_ENUM_VALUE_ORDERING)
        if self.in_tx:
            self.new_enum_values.add(body["newVal"])

    # ------------------------------------------------------------------ DROP, TRUNCATE, ...
    def on_DropStmt(self, body: Node) -> None:
        kind = body.get("removeType")
        robust = not body.get("missing_ok") and not self.in_tx
        if kind == "OBJECT_TABLE":
            self.report(R.BAN_DROP_TABLE)
            for obj in body.get("objects", ()):
                if len(obj.get("List", {}).get("items", ())) == 1:
                    self.report(R.REQUIRE_TABLE_SCHEMA)
        elif kind == "OBJECT_INDEX":
            if body.get("concurrent") and self.in_tx:
                self.report(R.BAN_CONCURRENT_INDEX_IN_TX)
            if not body.get("concurrent"):
                self.report(R.REQUIRE_CONCURRENT_INDEX_DELETION)
        elif kind in R.DROP_RULES:
            self.report(R.DROP_RULES[kind])
        elif kind == "OBJECT_TRIGGER":
            self.report(R.BAN_DROP_TRIGGER)
        elif kind == "OBJECT_POLICY":
            self.report(R.BAN_DROP_POLICY)
        if kind == "OBJECT_INDEX":
            self.report(R.BAN_DROP_INDEX)
        if robust and kind in ("OBJECT_TABLE", "OBJECT_INDEX", "OBJECT_TYPE"):
            self.report(R.PREFER_ROBUST_STMTS, message="DROP without IF EXISTS fails when the migration is re-run "
                        "after failing part way (it runs outside a transaction).")

    def on_DropdbStmt(self, body: Node) -> None:
        self.report(R.BAN_DROP_DATABASE)

    def on_TruncateStmt(self, body: Node) -> None:
        if body.get("behavior") == "DROP_CASCADE":
            self.report(R.BAN_TRUNCATE_CASCADE)

    def on_ReindexStmt(self, body: Node) -> None:
        if not any(p.get("DefElem", {}).get("defname") == "concurrently" for p in body.get("params", ())):
            self.report(R.REQUIRE_CONCURRENT_REINDEX)

    def on_RenameStmt(self, body: Node) -> None:
        kind = body.get("renameType")
        rel = body.get("relation")
        if rel and not rel.get("schemaname") and (
            body.get("relationType") == "OBJECT_TABLE" or kind in ("OBJECT_TABLE", "OBJECT_TABCONSTRAINT")
        ):
            self.report(R.REQUIRE_TABLE_SCHEMA, rel.get("location"))
        if kind == "OBJECT_COLUMN":
            self.report(R.RENAMING_COLUMN)
            table = (rel or {}).get("relname")
            moved = self.ctx.history.columns.pop((table, body.get("subname")), None)
            if moved:
                self.ctx.history.columns[(table, body.get("newname"))] = moved
        elif kind == "OBJECT_TABLE":
            self.report(R.RENAMING_TABLE)
        else:
            self.report(R.RENAMING_OBJECT)
        if kind in ("OBJECT_COLUMN", "OBJECT_TABLE", "OBJECT_TABCONSTRAINT") and not self.in_tx:
            self.report(R.PREFER_ROBUST_STMTS, message="This ALTER TABLE cannot be made re-runnable and the "
                        "migration runs outside a transaction: a re-run after a failure fails here.")

    def on_AlterObjectSchemaStmt(self, body: Node) -> None:
        self.report(R.BAN_SET_SCHEMA)
        rel = body.get("relation")
        if rel and not rel.get("schemaname") and body.get("objectType") == "OBJECT_TABLE":
            self.report(R.REQUIRE_TABLE_SCHEMA, rel.get("location"))

    def on_UpdateStmt(self, body: Node) -> None:
        seen: set[str] = set()
        for t in body.get("targetList", ()):
            name = t.get("ResTarget", {}).get("name")
            if name in seen:
                self.report(R.BAN_DUPLICATE_COLUMN_ASSIGNMENTS, t["ResTarget"].get("location"))
            seen.add(name)
        self._backfill(body)

    # statements that only opt-in rules look at
    def on_GrantStmt(self, body: Node) -> None:
        if not body.get("is_grant"):
            self.report(R.BAN_REVOKE)

    def on_CreatePolicyStmt(self, body: Node) -> None:
        self.report(R.BAN_CREATE_POLICY)

    def on_AlterPolicyStmt(self, body: Node) -> None:
        if body.get("qual") or body.get("with_check"):
            self.report(R.BAN_ALTER_POLICY_CONDITION)
        if body.get("roles"):
            self.report(R.BAN_ALTER_POLICY_ROLES)

    def on_AlterFunctionStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_FUNCTION_OPTIONS)

    def on_AlterRoleStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_ROLE_OPTIONS)

    def on_AlterDatabaseSetStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_DATABASE_OPTIONS)

    def on_AlterDatabaseStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_DATABASE_OPTIONS)

    def on_AlterSystemStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_SYSTEM_OPTIONS)

    def on_AlterExtensionStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_EXTENSION)

    def on_AlterExtensionContentsStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_EXTENSION)

    def on_AlterSeqStmt(self, body: Node) -> None:
        self.report(R.BAN_ALTER_SEQUENCE_VALUES)

    def on_ViewStmt(self, body: Node) -> None:
        if body.get("replace"):
            self.report(R.BAN_REPLACE_VIEW_FUNCTION)

    def on_CreateFunctionStmt(self, body: Node) -> None:
        if body.get("replace"):
            self.report(R.BAN_REPLACE_VIEW_FUNCTION)

    def on_ClusterStmt(self, body: Node) -> None:
        self.report(R.PREFER_REPACK)

    def on_VacuumStmt(self, body: Node) -> None:
        if any(o.get("DefElem", {}).get("defname") == "full" for o in body.get("options", ())):
            self.report(R.PREFER_REPACK)

    def on_DeleteStmt(self, body: Node) -> None:
        self._backfill(body)

    def _backfill(self, body: Node) -> None:
        rel = body.get("relation", {}).get("relname")
        if self.in_tx and rel in self.altered and rel not in self.created:
            self.report(R.BACKFILL_IN_DDL_TRANSACTION)
        self._enum_use(body)

    def on_InsertStmt(self, body: Node) -> None:
        self._enum_use(body)

    def _enum_use(self, body: Node) -> None:
        if not self.new_enum_values:
            return
        for kind, node in _walk(body):
            if kind == "A_Const" and "sval" in node and node["sval"].get("sval") in self.new_enum_values:
                self.report(R.ENUM_VALUE_USED_IN_TRANSACTION, node.get("location"),
                            f"'{node['sval']['sval']}' was added to its enum in this transaction and cannot "
                            "be used before it commits: this statement fails.")
                return

    # ------------------------------------------------------------------ ALTER TABLE
    def on_AlterTableStmt(self, body: Node) -> None:
        objtype = body.get("objtype")
        if objtype == "OBJECT_TYPE":
            if any(c["AlterTableCmd"].get("subtype") == "AT_AddColumn" for c in body.get("cmds", ())):
                self.report(R.BAN_ADD_COMPOSITE_ATTRIBUTE)
            return
        if objtype == "OBJECT_VIEW":
            if any(c["AlterTableCmd"].get("subtype") in ("AT_SetRelOptions", "AT_ResetRelOptions") for c in body.get("cmds", ())):
                self.report(R.BAN_ALTER_VIEW_OPTIONS)
            return
        if objtype not in (None, "OBJECT_TABLE"):
            return
        rel = body.get("relation", {})
        if not rel.get("schemaname"):
            self.report(R.REQUIRE_TABLE_SCHEMA, rel.get("location"))
        table = rel.get("relname")
        new = self.new_table(rel)
        if self.in_tx:
            self.altered.add(table)
        self._enum_use(body)
        for c in body.get("cmds", ()):
            cmd = c["AlterTableCmd"]
            sub = cmd.get("subtype")
            robust: str | None = "tx"  # what prefer-robust-stmts says about this action, None: fine
            if sub in OPT_IN_SUBTYPES:
                self.report(OPT_IN_SUBTYPES[sub])
            if sub == "AT_AddColumn":
                self.report(R.BAN_ADD_COLUMN)
                self.add_column(cmd["def"]["ColumnDef"], new, table)
                robust = None if cmd.get("missing_ok") else "IF NOT EXISTS"
            elif sub == "AT_AlterColumnType":
                col = cmd.get("def", {}).get("ColumnDef", {})
                old = self.ctx.history.columns.get((table, cmd.get("name")))
                new_type = _type_of(col)
                if not (old and _binary_coercible(old, new_type) and "raw_default" not in col):
                    self.report(R.CHANGING_COLUMN_TYPE, col.get("location"))
                self.ctx.history.columns[(table, cmd.get("name"))] = new_type
                self.column_types(col)
            elif sub == "AT_SetNotNull":
                self.report(R.BAN_NEW_WRITE_RESTRICTION)
                if (table, cmd.get("name")) not in self.validated_not_null:
                    self.report(R.ADDING_NOT_NULLABLE_FIELD)
            elif sub == "AT_DropNotNull":
                self.report(R.BAN_DROP_NOT_NULL)
            elif sub == "AT_AddConstraint":
                robust = self.add_constraint(cmd["def"]["Constraint"], table, new)
            elif sub == "AT_ValidateConstraint":
                name = cmd.get("name")
                if name in self.not_valid:
                    self.report(R.CONSTRAINT_MISSING_NOT_VALID, message="Validating a constraint in the same "
                                "transaction that added it NOT VALID keeps the strong lock of the ADD for the whole scan.")
                if name in self.check_columns:
                    self.validated_not_null.add(self.check_columns[name])
                robust = None if name in self.dropped_constraints or name in self.check_columns else "tx"
            elif sub == "AT_DropColumn":
                self.report(R.BAN_DROP_COLUMN)
                robust = None if cmd.get("missing_ok") else "IF EXISTS"
            elif sub == "AT_DropConstraint":
                self.report(R.BAN_DROP_CONSTRAINT)
                self.dropped_constraints.add(cmd.get("name"))
                robust = None if cmd.get("missing_ok") else "IF EXISTS"
            elif sub == "AT_ColumnDefault":
                self.report(R.BAN_SET_DEFAULT if "def" in cmd else R.BAN_DROP_DEFAULT)
            elif sub == "AT_DropExpression":
                self.report(R.BAN_DROP_GENERATED_EXPRESSION)
            elif sub in ("AT_AddIdentity", "AT_SetIdentity", "AT_DropIdentity"):
                self.report(R.BAN_ALTER_IDENTITY)
            elif sub == "AT_DetachPartition":
                self.report(R.BAN_DETACH_INHERITANCE)
                if not cmd.get("def", {}).get("PartitionCmd", {}).get("concurrent"):
                    self.report(R.REQUIRE_CONCURRENT_DETACH)
            if robust and not self.in_tx:
                self.report(
                    R.PREFER_ROBUST_STMTS,
                    message=(
                        f"Missing {robust}: the migration runs outside a transaction, so a re-run after a failure "
                        "fails on this statement."
                        if robust != "tx"
                        else "This ALTER TABLE cannot be made re-runnable and the migration runs outside a "
                        "transaction: a re-run after a failure fails here."
                    ),
                )

    def add_column(self, col: Node, new: bool, table: str = "") -> None:
        self.column_types(col)
        self.ctx.history.columns[(table, col.get("colname"))] = _type_of(col)
        cons = [c["Constraint"] for c in col.get("constraints", ())]
        kinds = {c.get("contype") for c in cons}
        default = next((c for c in cons if c.get("contype") == "CONSTR_DEFAULT"), None)
        serial = _type_name(col) in SERIAL
        if "CONSTR_NOTNULL" in kinds and default is None and not serial and not kinds & {"CONSTR_IDENTITY", "CONSTR_GENERATED"}:
            self.report(R.ADDING_REQUIRED_FIELD, col.get("location"))
        if "CONSTR_GENERATED" in kinds:
            self.report(R.BAN_ALTER_GENERATED_EXPRESSION, col.get("location"))
        if default is not None and is_volatile(default.get("raw_expr")):
            self.report(R.ADDING_FIELD_WITH_DEFAULT, default.get("location"))
        elif "CONSTR_GENERATED" in kinds or (serial and not new):
            c = next((c for c in cons if c.get("contype") == "CONSTR_GENERATED"), None)
            self.report(R.ADDING_FIELD_WITH_DEFAULT, (c or col).get("location"))
        if new:
            return
        if kinds & {"CONSTR_NOTNULL", "CONSTR_CHECK", "CONSTR_UNIQUE", "CONSTR_PRIMARY", "CONSTR_FOREIGN", "CONSTR_EXCLUSION"}:
            c = next(c for c in cons if c.get("contype") in ("CONSTR_NOTNULL", "CONSTR_CHECK", "CONSTR_UNIQUE",
                                                               "CONSTR_PRIMARY", "CONSTR_FOREIGN", "CONSTR_EXCLUSION"))
            self.report(R.BAN_NEW_WRITE_RESTRICTION, c.get("location"))
        for c in cons:
            if c.get("contype") == "CONSTR_FOREIGN":
                self.report(R.ADDING_FOREIGN_KEY, c.get("location"))
            elif c.get("contype") == "CONSTR_PRIMARY":
                self.report(R.ADDING_PRIMARY_KEY, c.get("location"))
            elif c.get("contype") == "CONSTR_UNIQUE":
                self.report(R.DISALLOWED_UNIQUE_CONSTRAINT, c.get("location"))

    def add_constraint(self, con: Node, table: str, new: bool) -> str | None:
        if not new:
            self.report(R.BAN_NEW_WRITE_RESTRICTION, con.get("location"))
        kind = con.get("contype")
        name = con.get("conname")
        loc = con.get("location")
        not_valid = con.get("skip_validation", False)
        if kind == "CONSTR_CHECK":
            expr = con.get("raw_expr", {})
            test = expr.get("NullTest", {})
            if test.get("nulltesttype") == "IS_NOT_NULL" and "ColumnRef" in test.get("arg", {}):
                fields = test["arg"]["ColumnRef"].get("fields", ())
                if fields and "String" in fields[-1]:
                    self.check_columns[name] = (table, fields[-1]["String"]["sval"])
                    if not not_valid:
                        self.validated_not_null.add((table, fields[-1]["String"]["sval"]))
        if not_valid and self.in_tx:
            self.not_valid.add(name)
        if not new:
            if kind == "CONSTR_FOREIGN" and not not_valid:
                self.report(R.ADDING_FOREIGN_KEY, loc)
            if kind in ("CONSTR_FOREIGN", "CONSTR_CHECK") and not not_valid:
                self.report(R.CONSTRAINT_MISSING_NOT_VALID, loc)
            if kind == "CONSTR_UNIQUE" and not con.get("indexname"):
                self.report(R.DISALLOWED_UNIQUE_CONSTRAINT, loc)
            if kind == "CONSTR_PRIMARY" and not con.get("indexname"):
                self.report(R.ADDING_PRIMARY_KEY, loc)
        if name in self.dropped_constraints:
            return None
        return "tx"


def check(ctx: Context) -> None:
    PgLinter(ctx).run()
