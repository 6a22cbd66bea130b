"""Prisma's canonical layout of a parsed file (``schema-ast/src/reformat.rs`` semantics).

A block's lines go into a table whose columns (field name, type, attributes; or key and ``= value``)
are aligned; an empty line, a comment after an empty line, or the end of the field run starts a new
table. Block attributes (``@@...``) move to the end of the block, after one empty line, sorted by a
fixed attribute order; a comment directly above one moves with it. Invalid lines are written as they
are and do not influence the alignment. Column widths are measured in UTF-8 bytes, as Rust does.
"""

from __future__ import annotations

from schemashift.psl.formatter.tree import (
    Attribute,
    Block,
    BlockAttribute,
    CommentBlock,
    EmptyLines,
    EnumValue,
    Field,
    Item,
    KeyValue,
    ParsedFile,
    Raw,
)

_ATTRIBUTE_ORDER = {
    name: i
    for i, name in enumerate(("id", "unique", "default", "updatedAt", "index", "fulltext", "map", "relation", "ignore"))
}
_LAST = len(_ATTRIBUTE_ORDER)


def _sort_key(attribute: Attribute) -> int:
    return _ATTRIBUTE_ORDER.get(attribute.path, _LAST)


class _Renderer:
    """Writes lines; the indentation is added when writing at the start of a line."""

    __slots__ = ("out", "indent", "at_start")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.indent = ""
        self.at_start = True

    def write(self, text: str) -> None:
        if self.at_start and self.indent:
            self.out.append(self.indent)
            self.at_start = False
        if text:
            self.out.append(text)
            self.at_start = text[-1] == "\n"

    def end_line(self) -> None:
        self.out.append("\n")
        self.at_start = True


class _Table:
    """Rows are ``[columns, suffix]`` lists (aligned) or plain strings (interleaved)."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[list | str] = []  # type: ignore[type-arg]

    def new_row(self) -> list:  # type: ignore[type-arg]
        row: list = [[], ""]  # type: ignore[type-arg]
        self.rows.append(row)
        return row

    def suffix(self, text: str) -> None:
        row = self.rows[-1]
        assert isinstance(row, list)
        row[1] += text

    def comment_block(self, block: CommentBlock) -> None:
        for comment in block.comments:
            if comment.kind != "/*":
                self.new_row()[1] = comment.kind + comment.text
                continue
            self.new_row()[1] = "/**"
            # Prisma cuts two bytes at each end, whatever they are (leading whitespace included).
            body = comment.text.encode("utf-8")
            for raw_line in body[2:-2].decode("utf-8", "replace").split("\n"):
                line = raw_line.strip()
                if line.startswith("*"):
                    line = line[1:].lstrip()
                if line:
                    self.new_row()[1] = " * " + line
            self.new_row()[1] = " */"

    def render(self, target: _Renderer) -> None:
        """Write the rows; a table always starts at the beginning of a line."""
        widths: list[int] = []
        for row in self.rows:
            if isinstance(row, list):
                cols = row[0]
                while cols and cols[-1] == "":
                    cols.pop()
                for i, col in enumerate(cols):
                    w = len(col) if col.isascii() else len(col.encode("utf-8"))
                    if i == len(widths):
                        widths.append(w)
                    elif w > widths[i]:
                        widths[i] = w
        indent = target.indent
        out = target.out
        for row in self.rows:
            if isinstance(row, list):
                cols, suffix = row
                if not cols:
                    out.append(indent + suffix + "\n" if suffix else "\n")
                    continue
                last = len(cols) - 1
                parts = [indent]
                for i, col in enumerate(cols):
                    parts.append(col)
                    if i < last:
                        w = len(col) if col.isascii() else len(col.encode("utf-8"))
                        parts.append(" " * (widths[i] - w + 1))
                if suffix:
                    parts.append(" ")
                    parts.append(suffix)
                parts.append("\n")
                out.append("".join(parts))
            else:
                out.append(indent + row + "\n")
        target.at_start = True
        self.rows = []


def _field_row(table: _Table, item: Field) -> None:
    row = table.new_row()
    cols = row[0]
    cols.append(item.name)
    cols.append(item.type.text if item.type is not None else "")
    if item.trailing is not None:
        row[1] = item.trailing
    attrs = sorted(item.attributes, key=_sort_key)
    cols.append(" ".join("@" + a.text for a in attrs))


def _block_contents(items: list[Item], renderer: _Renderer) -> None:
    attributes: list[tuple[CommentBlock | None, BlockAttribute]] = []
    table = _Table()
    pending: CommentBlock | None = None
    n = len(items)
    i = 0
    if i < n and isinstance(items[i], EmptyLines):
        i += 1
    while True:
        ate = i < n and isinstance(items[i], EmptyLines)
        if ate:
            i += 1
            nxt = items[i] if i < n else None
            if not (nxt is None or isinstance(nxt, (BlockAttribute, CommentBlock))):
                table.render(renderer)
                table.new_row()
        if i >= n:
            table.render(renderer)
            if attributes:
                table.new_row()
            attributes.sort(key=lambda pair: _sort_key(pair[1].attribute))
            for comment, attr in attributes:
                if comment is not None:
                    table.comment_block(comment)
                row = table.new_row()
                row[0].append("@@" + attr.attribute.text)
                if attr.trailing is not None:
                    row[1] = attr.trailing
            table.render(renderer)
            return
        item = items[i]
        i += 1
        if isinstance(item, Field):
            _field_row(table, item)
        elif isinstance(item, CommentBlock):
            if i < n and isinstance(items[i], BlockAttribute):
                pending = item
            else:
                if ate:
                    table.render(renderer)
                    table.new_row()
                table.comment_block(item)
        elif isinstance(item, BlockAttribute):
            attributes.append((pending, item))
            pending = None
        elif isinstance(item, KeyValue):
            row = table.new_row()
            row[0].append(item.name)
            if item.value is not None:
                row[0].append("= " + item.value.text)
            if item.trailing is not None:
                row[1] = item.trailing
        elif isinstance(item, EnumValue):
            row = table.new_row()
            row[0].append(item.name)
            if item.attributes:
                row[0].append("".join("@" + a.text for a in item.attributes))
            if item.trailing is not None:
                row[1] = item.trailing
        else:
            assert isinstance(item, Raw)
            table.rows.append(item.text)


def _block(block: Block, renderer: _Renderer, indent: str) -> None:
    renderer.write(block.keyword)
    renderer.write(" ")
    renderer.write(block.name)
    renderer.write(" {")
    renderer.end_line()
    renderer.indent = indent
    _block_contents(block.items, renderer)
    renderer.indent = ""
    renderer.write("}")
    renderer.end_line()


def render(parsed: ParsedFile, indent_width: int = 2) -> str:
    renderer = _Renderer()
    indent = " " * indent_width
    tops = parsed.tops
    n = len(tops)
    i = 1 if n and isinstance(tops[0], EmptyLines) else 0
    while i < n:
        top = tops[i]
        i += 1
        if isinstance(top, Block):
            _block(top, renderer, indent)
        elif isinstance(top, CommentBlock):
            table = _Table()
            table.comment_block(top)
            table.render(renderer)
        elif isinstance(top, EmptyLines):
            if i < n:
                renderer.end_line()
        else:
            renderer.write(top.text)
    out = "".join(renderer.out)
    return out if out.endswith("\n") else out + "\n"
