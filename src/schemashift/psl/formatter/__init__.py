"""``prisma format``: Prisma's canonical layout plus the missing relation bits it adds.

``format_files`` never raises: a schema with errors is laid out as well as it can be, and relation
completion only runs when the schema is free of the errors that stop Prisma's parser database.
"""

from __future__ import annotations

from typing import Sequence

from schemashift.psl.formatter.layout import render
from schemashift.psl.formatter.relations import complete_relations
from schemashift.psl.formatter.tree import parse

__all__ = ["format_files"]


def format_files(files: Sequence[tuple[str, str]], indent_width: int = 2) -> list[tuple[str, str]]:
    sources = [source for _, source in files]
    parsed = [parse(source) for source in sources]
    enriched = complete_relations(parsed, sources)
    if enriched is not None:
        parsed = [parse(source) if source is not old else tree for source, old, tree in zip(enriched, sources, parsed)]
    return [(path, render(tree, indent_width)) for (path, _), tree in zip(files, parsed)]
