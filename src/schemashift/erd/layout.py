"""Where each box goes: a layered grid computed in Python (no Graphviz).

Boxes are measured in a monospace font (``CHAR_W`` per character, two for wide East Asian
characters), so their sizes are known without a browser. Then:

1. the entities are split into connected components (relations and enum uses are the edges);
2. in each component, an entity is ranked below the entities it references (longest path,
   cycles broken by a depth-first search), and each rank is ordered by the barycentre of its
   neighbours in the rank above and below (a few sweeps: fewer crossings);
3. the ranks become rows of at most ``columns`` boxes, where ``columns`` gives the component an
   aspect of about 16:9. A component with more ranks than rows would have (a long chain of
   models) is instead filled into the grid rank after rank, one row left to right, the next right
   to left, so that neighbours stay side by side;
4. the components are packed on shelves, the biggest first.

Boxes never overlap by construction (rows are stacked by their tallest box, boxes in a row by
their widths, shelves by their tallest component); ``tests/erd`` checks it on 200 models.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from schemashift.erd.diagram import Column, Diagram, Entity

CHAR_W = 7.2  # px per character of a 12px monospace font (0.6 em)
ROW_H = 20.0
HEADER_H = 28.0
PAD = 8.0  # inside a box, left and right, and between its text columns (in px)
GAP_X = 70.0  # between boxes in a row (room for the edges)
GAP_Y = 60.0  # between rows
MARGIN = 20.0
MAX_TYPE = 32  # characters shown of a type or a default; the whole text is in the tooltip
MAX_DEFAULT = 24


def text_width(text: str) -> float:
    """The width of ``text`` in the diagram's monospace font."""
    return CHAR_W * sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_cells(column: Column) -> tuple[str, str, str, str]:
    """The four cells of a row as shown: keys, name, type, default."""
    default = f"= {clip(column.default, MAX_DEFAULT)}" if column.default is not None else ""
    return ",".join(column.keys), column.name, clip(column.type, MAX_TYPE), default


def header_text(entity: Entity) -> str:
    tag = {"view": "view ", "enum": "enum ", "type": "type "}.get(entity.kind, "")
    mapped = f" ({entity.db_name})" if entity.db_name is not None else ""
    return f"{tag}{entity.name}{mapped}"


@dataclass(frozen=True, slots=True)
class Metrics:
    """A box's size and the x offsets of its four text columns (relative to the box)."""

    width: float
    height: float
    offsets: tuple[float, float, float, float]  # keys, name, type, default

    def row_y(self, index: int) -> float:
        """The y of the middle of row ``index`` (relative to the box)."""
        return HEADER_H + ROW_H * index + ROW_H / 2


def measure(entity: Entity) -> Metrics:
    cells = [column_cells(c) for c in entity.columns]
    widths = [max((text_width(row[i]) for row in cells), default=0.0) for i in range(4)]
    offsets: list[float] = []
    x = PAD
    for w in widths:
        offsets.append(x)
        x += w + (PAD if w > 0 else 0.0)
    rows_width = x
    notes_width = max((text_width(n) for n in entity.notes), default=0.0) + 2 * PAD
    header_width = text_width(header_text(entity)) + 2 * PAD
    width = max(rows_width, notes_width, header_width, 120.0)
    height = HEADER_H + ROW_H * (len(entity.columns) + len(entity.notes)) + (PAD if entity.columns else 0.0)
    return Metrics(round(width, 1), height, (offsets[0], offsets[1], offsets[2], offsets[3]))


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Layout:
    boxes: dict[str, Box]
    metrics: dict[str, Metrics]
    width: float
    height: float


def layout(diagram: Diagram) -> Layout:
    metrics = {e.name: measure(e) for e in diagram.entities}
    order = {e.name: i for i, e in enumerate(diagram.entities)}
    neighbours: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)  # the entities one references
    for r in diagram.relations:
        if r.is_self or r.source not in order or r.target not in order:
            continue
        neighbours[r.source].add(r.target)
        neighbours[r.target].add(r.source)
        if r.is_use:
            parents[r.target].add(r.source)  # an enum or a composite type below the models using it
        elif r.kind != "m-n":  # (m-n is symmetric: it only draws the two models near)
            parents[r.source].add(r.target)  # a model below the models it references
    placed: list[tuple[float, float, dict[str, tuple[float, float]]]] = []
    for component in _components([e.name for e in diagram.entities], neighbours):
        placed.append(_place_component(component, parents, neighbours, metrics, order))
    boxes: dict[str, Box] = {}
    width, height = _pack(placed, boxes, metrics)
    return Layout(boxes, metrics, width, height)


def _components(names: list[str], neighbours: dict[str, set[str]]) -> list[list[str]]:
    seen: set[str] = set()
    out: list[list[str]] = []
    for start in names:
        if start in seen:
            continue
        seen.add(start)
        component, queue = [], [start]
        while queue:
            node = queue.pop()
            component.append(node)
            for other in sorted(neighbours[node]):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        out.append(component)
    out.sort(key=len, reverse=True)  # stable: equal sizes keep the schema's order
    return out


def _ranks(component: list[str], parents: dict[str, set[str]], order: dict[str, int]) -> dict[str, int]:
    """Longest path from the entities that reference nothing; back edges of cycles ignored."""
    members = set(component)
    nodes = sorted(component, key=order.__getitem__)
    rank: dict[str, int] = {}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in nodes:
        if root in state:
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(parents[root] & members, key=order.__getitem__))]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            if todo:
                parent = todo.pop()
                if parent not in state:
                    state[parent] = 1
                    stack.append((parent, sorted(parents[parent] & members, key=order.__getitem__)))
                continue
            stack.pop()
            state[node] = 2
            done = [rank[p] for p in parents[node] & members if p in rank]
            rank[node] = max(done) + 1 if done else 0
    return rank


def _columns_for(names: list[str], metrics: dict[str, Metrics]) -> int:
    """Columns that give ``names`` an aspect of about 16:9."""
    n = len(names)
    avg_w = sum(metrics[x].width for x in names) / n + GAP_X
    avg_h = sum(metrics[x].height for x in names) / n + GAP_Y
    return max(1, min(n, math.ceil(math.sqrt(n * avg_h / avg_w * 16 / 9))))


def _place_component(
    component: list[str],
    parents: dict[str, set[str]],
    neighbours: dict[str, set[str]],
    metrics: dict[str, Metrics],
    order: dict[str, int],
) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """The component's width, height and the top-left corner of each box in it."""
    rank = _ranks(component, parents, order)
    layers: list[list[str]] = [[] for _ in range(max(rank.values()) + 1)]
    for name in sorted(component, key=order.__getitem__):
        layers[rank[name]].append(name)
    _reduce_crossings(layers, neighbours)
    columns = _columns_for(component, metrics)
    rows_needed = math.ceil(len(component) / columns)
    snake = len(layers) > rows_needed
    rows: list[list[str]] = []
    if snake:
        sequence = [name for layer in layers for name in layer]
        for i in range(0, len(sequence), columns):
            row = sequence[i : i + columns]
            rows.append(row if (i // columns) % 2 == 0 else [""] * (columns - len(row)) + row[::-1])
    else:
        for layer in layers:
            rows += [layer[i : i + columns] for i in range(0, len(layer), columns)]
    positions: dict[str, tuple[float, float]] = {}
    y = 0.0
    if snake:  # a grid: each column as wide as its widest box
        col_w = [0.0] * columns
        for row in rows:
            for j, name in enumerate(row):
                if name:
                    col_w[j] = max(col_w[j], metrics[name].width)
        width = sum(col_w) + GAP_X * (columns - 1)
        for row in rows:
            x = 0.0
            for j, name in enumerate(row):
                if name:
                    positions[name] = (x + (col_w[j] - metrics[name].width) / 2, y)
                x += col_w[j] + GAP_X
            y += max(metrics[n].height for n in row if n) + GAP_Y
    else:  # rows centred under each other
        row_w = [sum(metrics[n].width for n in row) + GAP_X * (len(row) - 1) for row in rows]
        width = max(row_w)
        for row, w in zip(rows, row_w):
            x = (width - w) / 2
            for name in row:
                positions[name] = (x, y)
                x += metrics[name].width + GAP_X
            y += max(metrics[n].height for n in row) + GAP_Y
    return width, y - GAP_Y, positions


def _reduce_crossings(layers: list[list[str]], neighbours: dict[str, set[str]]) -> None:
    """Order each layer by the mean position of its neighbours in the layer above (then below)."""
    if len(layers) < 2:
        return
    for sweep in range(4):
        indices = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for i in indices:
            ref = layers[i - 1] if sweep % 2 == 0 else layers[i + 1]
            where = {name: k for k, name in enumerate(ref)}
            current = {name: k for k, name in enumerate(layers[i])}

            def key(name: str) -> float:
                near = [where[n] for n in neighbours[name] if n in where]
                return sum(near) / len(near) if near else float(current[name])

            layers[i].sort(key=key)


def _pack(
    placed: list[tuple[float, float, dict[str, tuple[float, float]]]],
    boxes: dict[str, Box],
    metrics: dict[str, Metrics],
) -> tuple[float, float]:
    """Shelves of components, the biggest first, about 16:9 overall; fills ``boxes``."""
    area = sum((w + GAP_X) * (h + GAP_Y) for w, h, _ in placed)
    target = max(max((w for w, _, _ in placed), default=0.0), math.sqrt(area * 16 / 9))
    x = y = shelf_h = width = 0.0
    for w, h, positions in placed:
        if x > 0 and x + w > target:
            x, y, shelf_h = 0.0, y + shelf_h + GAP_Y, 0.0
        for name, (bx, by) in positions.items():
            m = metrics[name]
            boxes[name] = Box(round(MARGIN + x + bx, 1), round(MARGIN + y + by, 1), m.width, m.height)
        width = max(width, x + w)
        shelf_h = max(shelf_h, h)
        x += w + GAP_X
    return round(width + 2 * MARGIN, 1), round(y + shelf_h + 2 * MARGIN, 1)
