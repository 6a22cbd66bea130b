"""Introspection warnings, grouped and worded like Prisma's (``schema-connector/src/warnings.rs``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_EMPTY_NAMES = (
    "These fields were commented out because their names are currently not supported by Prisma. Please provide "
    "valid ones that match [a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:"
)

#: (kind, message) in Prisma's rendering order
MESSAGES: tuple[tuple[str, str], ...] = (
    ("fields_with_empty_names_in_model", _EMPTY_NAMES),
    (
        "remapped_fields_in_model",
        "These fields were enriched with `@map` information taken from the previous Prisma schema:",
    ),
    (
        "enum_values_with_empty_names",
        "These enum values were commented out because their names are currently not supported by Prisma. Please "
        "provide valid ones that match [a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:",
    ),
    (
        "models_without_columns",
        "The following models were commented out as we could not retrieve columns for them. Please check your "
        "privileges:",
    ),
    (
        "models_without_identifiers",
        "The following models were ignored as they do not have a valid unique identifier or id. This is currently "
        "not supported by Prisma Client:",
    ),
    (
        "reintrospected_id_names_in_model",
        "These models were enriched with custom compound id names taken from the previous Prisma schema:",
    ),
    (
        "unsupported_types_in_model",
        "These fields are not supported by Prisma Client, because Prisma currently does not support their types:",
    ),
    ("remapped_models", "These models were enriched with `@@map` information taken from the previous Prisma schema:"),
    (
        "remapped_values",
        "These enum values were enriched with `@map` information taken from the previous Prisma schema:",
    ),
    ("remapped_enums", "These enums were enriched with `@@map` information taken from the previous Prisma schema:"),
    (
        "reintrospected_relations",
        "Relations were copied from the previous data model due to not using foreign keys in the database. If any "
        "of the relation columns changed in the database, the relations might not be correct anymore:",
    ),
    ("duplicate_names", "These items were renamed due to their names being duplicates in the Prisma schema:"),
    ("partition_tables", "These tables are partition tables, which are not yet fully supported:"),
    ("inherited_tables", "These tables are inherited tables, which are not yet fully supported:"),
    (
        "non_default_index_null_sort_order",
        "These index columns are having a non-default null sort order, which is not yet fully supported. Read "
        "more: https://pris.ly/d/non-default-index-null-ordering",
    ),
    (
        "row_level_security_tables",
        "These tables contain row level security, which is not yet fully supported. Read more: "
        "https://pris.ly/d/row-level-security",
    ),
    (
        "check_constraints",
        "These constraints are not supported by Prisma Client, because Prisma currently does not fully support "
        "check constraints. Read more: https://pris.ly/d/check-constraints",
    ),
    (
        "exclusion_constraints",
        "These constraints are not supported by Prisma Client, because Prisma currently does not fully support "
        "exclusion constraints. Read more: https://pris.ly/d/exclusion-constraints",
    ),
    (
        "non_default_deferring",
        "These primary key, foreign key or unique constraints are using non-default deferring in the database, "
        "which is not yet fully supported. Read more: https://pris.ly/d/constraint-deferring",
    ),
    (
        "objects_with_comments",
        "These objects have comments defined in the database, which is not yet fully supported. Read more: "
        "https://pris.ly/d/database-comments",
    ),
    (
        "expression_indexes",
        "These indexes are not supported by Prisma Client, because Prisma currently does not fully support "
        "expression indexes. Read more: https://pris.ly/d/expression-indexes",
    ),
    (
        "unmanaged_indexes",
        "These indexes were left out of the schema because it cannot express them (a WHERE predicate or "
        "INCLUDE columns); migrations keep them in the database as they are:",
    ),
)
_GROUPED = {"fields_with_empty_names_in_model"}
#: kinds whose items are whole sentences, one line each, with no heading: Prisma writes these
#: last, the last one without a line break
_SENTENCES: tuple[tuple[str, str], ...] = (
    (
        "broken_m2m_relations",
        'The many-to-many relation between "{}" and "{}" is broken due to the naming of the models. Prisma '
        "creates many-to-many relations based on the alphabetical ordering of the names of the models and these "
        "two models now produce the reverse of the expected ordering.",
    ),
)


@dataclass
class Warnings:
    items: dict[str, list[Any]] = field(default_factory=dict)  # text, or (model, field) for grouped kinds

    def add(self, kind: str, item: Any) -> None:
        self.items.setdefault(kind, []).append(item)

    def __bool__(self) -> bool:
        return any(self.items.values())

    def kinds(self) -> list[str]:
        return [k for k, _ in (*MESSAGES, *_SENTENCES) if self.items.get(k)]

    def render(self) -> str:
        """Prisma's ``Display`` of its warnings: ``*** WARNING ***`` and one paragraph per kind."""
        out = ["*** WARNING ***\n"]
        for kind, message in MESSAGES:
            items = self.items.get(kind)
            if not items:
                continue
            out.append("\n" + message + "\n")
            if kind in _GROUPED:
                by_model: dict[str, list[str]] = {}
                pairs = sorted({(str(m), str(f)) for m, f in items})
                for model, fld in pairs:
                    by_model.setdefault(model, []).append(fld)
                for model, flds in by_model.items():
                    joined = ", ".join(f'"{f}"' for f in flds)
                    out.append(f'  - Model: "{model}", field(s): [{joined}]\n')
            else:
                out.extend(f"  - {item}\n" for item in items)
        # the sentences close the block: one per line, the last without a line break (Prisma's)
        sentences = [sentence.format(*item) for kind, sentence in _SENTENCES for item in self.items.get(kind, ())]
        return "".join(out) + "\n".join(sentences)

    def render_commented(self) -> str:
        """What ``db pull --print`` shows: every line of :meth:`render` behind ``// ``."""
        return "\n".join(f"// {line}" for line in self.render().split("\n")) + "\n"
