"""``schemashift erd``: a picture of the schema (entity-relationship diagram).

Data flow: schema files --``psl.analyze_files``--> validated ``Context`` --``diagram.from_context``-->
:class:`~schemashift.erd.diagram.Diagram` (entities, keys, relations with cardinality) -->
``layout`` (box positions, pure Python) --> one renderer per format:

- ``svg``: a standalone SVG document (``svg.py``);
- ``html``: one self-contained page, the SVG inline with pan, zoom and search (``html.py``);
- ``mermaid``: a Mermaid ``erDiagram`` (``mermaid.py``);
- ``dot``: Graphviz DOT text (``dot.py``), for ``dot -Tsvg`` where Graphviz is installed.

Nothing here opens a database or the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from schemashift.erd.diagram import Diagram, from_context
from schemashift.errors import SchemaValidationError

Format = Literal["svg", "html", "mermaid", "dot"]
FORMATS: tuple[str, ...] = get_args(Format)
# file suffixes that choose a format when --format is not given
SUFFIXES: dict[str, Format] = {
    ".svg": "svg", ".html": "html", ".htm": "html", ".mmd": "mermaid", ".mermaid": "mermaid",
    ".dot": "dot", ".gv": "dot",
}

__all__ = ["Diagram", "Format", "FORMATS", "SUFFIXES", "build_diagram", "render"]


def build_diagram(files: Sequence[tuple[str, str]]) -> Diagram:
    """Parse and validate the schema files; a schema with errors is a ``SchemaValidationError``."""
    from schemashift.psl import analyze_files, gc_paused

    with gc_paused():
        _, ctx, diags = analyze_files(files)
        if diags.has_errors():
            raise SchemaValidationError(files, diags.all())
        return from_context(ctx)


def render(diagram: Diagram, fmt: Format, title: str = "Schema") -> str:
    if fmt == "svg":
        from schemashift.erd.svg import render_svg

        return render_svg(diagram)
    if fmt == "html":
        from schemashift.erd.html import render_html

        return render_html(diagram, title)
    if fmt == "mermaid":
        from schemashift.erd.mermaid import render_mermaid

        return render_mermaid(diagram)
    from schemashift.erd.dot import render_dot

    return render_dot(diagram)
