"""The diagram as one self-contained HTML page: the SVG inline, with the page's CSS and script
(``page.css``, ``page.js`` beside this module) inline too; nothing is loaded from the network.

The page pans (drag), zooms (wheel, buttons), fits, and searches: typing a name highlights the
models whose names contain it and centres the best match (Enter: the next one). Clicking a model
shows its documentation and relations. The script only reads the SVG and writes ``textContent``,
so no text from the schema is ever parsed as HTML; the SVG itself is escaped by ``svg.py``.
"""

from __future__ import annotations

from importlib import resources

from schemashift.erd.diagram import Diagram
from schemashift.erd.svg import render_svg, xml_text


def _asset(name: str) -> str:
    return resources.files("schemashift.erd").joinpath(name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    """Script text that cannot end its ``<script>`` element early."""
    return code.replace("</", "<\\/").replace("<!--", "<\\!--")


def render_html(diagram: Diagram, title: str) -> str:
    models = sum(1 for e in diagram.entities if e.kind in ("model", "view"))
    enums = sum(1 for e in diagram.entities if e.kind == "enum")
    summary = f"{models} models, {enums} enums, {len(diagram.relations)} relations"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{xml_text(title)}</title>
<style>{_asset("page.css")}</style>
</head>
<body>
<header>
<h1>{xml_text(title)}</h1>
<input id="search" type="search" placeholder="Search models ( / )" aria-label="Search models" autocomplete="off">
<span id="count"></span>
<button id="fit" type="button" title="Fit the diagram">Fit</button>
<button id="zoom-in" type="button" title="Zoom in">+</button>
<button id="zoom-out" type="button" title="Zoom out">&#8722;</button>
<span id="summary">{xml_text(summary)}</span>
</header>
<main id="view">
{render_svg(diagram)}<div id="info"></div>
</main>
<script>{_inline_script(_asset("page.js"))}</script>
</body>
</html>
"""
