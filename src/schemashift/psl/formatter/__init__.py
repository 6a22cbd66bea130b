"""``prisma format``: Prisma's canonical layout plus the missing relation bits it adds.

``format_files`` never raises: a schema with errors is laid out as well as it can be, and relation
completion only runs when the schema is free of the errors that stop Prisma's parser database
(checked cheaply by the completion itself, then by the validator's parser-database passes when
there is something to add).
"""

from __future__ import annotations

from typing import Sequence

from schemashift.psl.formatter.gate import parser_database_has_errors
from schemashift.psl.formatter.layout import render
from schemashift.psl.formatter.relations import missing_bits
from schemashift.psl.formatter.tree import Block, ParsedFile, parse

__all__ = ["format_files"]


def format_files(files: Sequence[tuple[str, str]], indent_width: int = 2) -> list[tuple[str, str]]:
    sources = [source for _, source in files]
    parsed = [parse(source) for source in sources]
    bits_by_file = missing_bits(parsed, sources)
    if bits_by_file and parser_database_has_errors(files):
        bits_by_file = {}
    for file_id, bits in bits_by_file.items():
        parsed[file_id] = _enrich(parsed[file_id], sources[file_id], bits)
    return [(path, render(tree, indent_width)) for (path, _), tree in zip(files, parsed)]


def _insert(text: str, offset: int, bits: list[tuple[int, str]]) -> str:
    pieces = []
    last = 0
    for position, content in bits:
        pieces.append(text[last : position - offset])
        pieces.append(content)
        last = position - offset
    pieces.append(text[last:])
    return "".join(pieces)


def _enrich(tree: ParsedFile, source: str, bits: list[tuple[int, str]]) -> ParsedFile:
    """The file with the bits inserted. Bits fall inside blocks, so only those blocks are parsed
    again (a block's parse depends on its own text only); anything else re-parses the file."""
    tops = list(tree.tops)
    i = 0
    for index, top in enumerate(tree.tops):
        if not isinstance(top, Block):
            continue
        mine = []
        while i < len(bits) and top.start <= bits[i][0] < top.end:
            mine.append(bits[i])
            i += 1
        if not mine:
            continue
        reparsed = parse(_insert(source[top.start : top.end], top.start, mine)).tops
        if len(reparsed) != 1 or not isinstance(reparsed[0], Block):
            return parse(_insert(source, 0, bits))
        tops[index] = reparsed[0]
    if i < len(bits):
        return parse(_insert(source, 0, bits))
    return ParsedFile(tops)
