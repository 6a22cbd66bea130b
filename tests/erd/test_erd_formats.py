"""Each output format of ``schemashift erd`` on a schema with every relation kind, read back
structurally (SVG and HTML as XML/HTML, DOT with pydot, Mermaid line by line), and the escaping
of hostile names, doc comments and defaults."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pydot
import pytest

from erd_schemas import EDGES, ENUMS, MODELS, MONGO, NASTY, NASTY_DEFAULT, NASTY_DOC, RELATIONS
from schemashift.erd import build_diagram, render

SVG = "{http://www.w3.org/2000/svg}"
# pydot's parser uses pyparsing's old method names
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot")


def _render(schema: str, fmt: str) -> str:
    return render(build_diagram([("schema.prisma", schema)]), fmt)  # type: ignore[arg-type]


def _svg_entities(root: ET.Element) -> dict[str, ET.Element]:
    return {
        g.attrib["data-name"]: g
        for g in root.iter(f"{SVG}g")
        if "entity" in g.attrib.get("class", "").split()
    }


def _svg_edges(root: ET.Element) -> set[tuple[str, str, str, str, str]]:
    out = set()
    for p in root.iter(f"{SVG}path"):
        if "edge" not in p.attrib.get("class", "").split():
            continue
        start = re.fullmatch(r"url\(#card-(\w+)\)", p.attrib["marker-start"])
        end = re.fullmatch(r"url\(#card-(\w+)\)", p.attrib["marker-end"])
        assert start and end
        out.add((p.attrib["data-kind"], p.attrib["data-source"], p.attrib["data-target"], start[1], end[1]))
    return out


def _column_texts(entity: ET.Element) -> dict[str, list[str]]:
    return {
        g.attrib["data-column"]: [t.text or "" for t in g.iter(f"{SVG}text")]
        for g in entity.iter(f"{SVG}g")
        if g.attrib.get("class") == "column"
    }


def test_svg_has_every_model_enum_and_edge_with_its_cardinality() -> None:
    root = ET.fromstring(_render(RELATIONS, "svg"))
    entities = _svg_entities(root)
    assert sorted(entities) == sorted(MODELS + ENUMS)
    assert _svg_edges(root) == EDGES
    # every marker an edge names is defined
    defined = {m.attrib["id"] for m in root.iter(f"{SVG}marker")}
    assert {f"card-{c}" for e in EDGES for c in e[3:]} <= defined
    # keys
    user = _column_texts(entities["User"])
    assert user["id"][:2] == ["PK", "id"] and "= autoincrement()" in user["id"]
    assert user["email"][:2] == ["UK", "email"]
    assert user["managerId"][:3] == ["FK", "managerId", "Int?"]
    assert user["mentorId"][:2] == ["FK,UK", "mentorId"]
    assert _column_texts(entities["Profile"])["userId"][:2] == ["FK,UK", "userId"]
    join = entities["TagOnPost"]
    assert _column_texts(join)["postId"][:2] == ["PK,FK", "postId"]
    notes = [t.text for t in join.iter(f"{SVG}text") if t.attrib.get("class") == "note"]
    assert notes == ["@@id([postId, tagId])", "@@unique([tagId, postId])"]
    # the @@map name, the view and the enum are told apart in the header
    titles = {n: [t.text for t in g.iter(f"{SVG}text") if t.attrib.get("class") == "title"][0] for n, g in entities.items()}
    assert titles["User"] == "User (users)"
    assert titles["PostCount"] == "view PostCount"
    assert titles["Role"] == "enum Role"
    assert list(_column_texts(entities["Role"])) == ["USER", "ADMIN"]
    # the implicit m-n edges name their join tables
    mn = [p for p in root.iter(f"{SVG}path") if p.attrib.get("data-kind") == "m-n"]
    assert sorted(p.find(f"{SVG}title").text or "" for p in mn) == [  # type: ignore[union-attr]
        "m-n: Category.posts → Post.categories via _CategoryToPost",
        "m-n: User.friendOf → User.friends via _Friends",
    ]


def test_dot_has_every_node_and_edge() -> None:
    text = _render(RELATIONS, "dot")
    (graph,) = pydot.graph_from_dot_data(text)
    nodes = {n.get_name().strip('"') for n in graph.get_nodes()} - {"node", "edge", "graph"}
    assert nodes == set(MODELS + ENUMS)
    arrows = {"teetee": "one", "teeodot": "zero_or_one", "crowodot": "zero_or_many"}
    edges = set()
    kinds = {(e[1], e[2], e[3], e[4]): e[0] for e in EDGES}
    for e in graph.get_edges():
        source = e.get_source().split(":")[0].strip('"')
        target = e.get_destination().split(":")[0].strip('"')
        key = (source, target, arrows[e.get("arrowtail")], arrows[e.get("arrowhead")])
        edges.add((kinds.get(key, "?"), *key))
        assert e.get("dir") == "both"
    assert edges == EDGES
    # foreign-key edges leave from the foreign key's row and reach the referenced row
    ends = {(e.get_source(), e.get_destination()) for e in graph.get_edges()}
    assert ('"Post":"c_authorId"', '"User":"c_id"') in ends
    assert ('"Category":"c_posts"', '"Post":"c_categories"') in ends


MERMAID_ENTITY = re.compile(r"    ([A-Za-z_]\w*)(?: \{)?$")
MERMAID_ATTRIBUTE = re.compile(r'        ([A-Za-z_][\w\[\]()-]*) ([A-Za-z_]\w*)( (?:PK|FK|UK)(?:,(?:PK|FK|UK))*)?( "[^"]*")?$')
MERMAID_RELATION = re.compile(r'    (\w+) (\|\||\|o|\}o)(--|\.\.)(\|\||o\||o\{) (\w+) : ("[^"]*")$')


def test_mermaid_is_an_er_diagram_with_every_entity_and_relationship() -> None:
    lines = _render(RELATIONS, "mermaid").splitlines()
    assert lines[0] == "erDiagram"
    entities, relations, attributes = [], set(), {}
    current = None
    for line in lines[1:]:
        if line == "    }":
            current = None
        elif (m := MERMAID_ENTITY.match(line)) is not None:
            entities.append(m[1])
            current = m[1] if line.endswith("{") else None
        elif (m := MERMAID_ATTRIBUTE.match(line)) is not None:
            assert current is not None
            attributes[(current, m[2])] = (m[1], (m[3] or "").strip())
        elif (m := MERMAID_RELATION.match(line)) is not None:
            left = {"||": "one", "|o": "zero_or_one", "}o": "zero_or_many"}[m[2]]
            right = {"||": "one", "o|": "zero_or_one", "o{": "zero_or_many"}[m[4]]
            relations.add((m[1], m[5], left, right, m[3]))
        else:
            pytest.fail(f"not a Mermaid erDiagram line: {line!r}")
    assert sorted(entities) == sorted(MODELS + ENUMS)
    assert relations == {(e[1], e[2], e[3], e[4], ".." if e[0] == "enum" else "--") for e in EDGES}
    assert attributes[("User", "id")] == ("Int", "PK")
    assert attributes[("User", "managerId")] == ("Int", "FK")
    assert attributes[("TagOnPost", "tagId")] == ("Int", "PK,FK")
    assert attributes[("Role", "ADMIN")] == ("value", "")


def test_composite_types_are_entities_used_through_dashed_edges() -> None:
    root = ET.fromstring(_render(MONGO, "svg"))
    entities = _svg_entities(root)
    assert sorted(entities) == ["Address", "Geo", "Person", "Tag"]
    assert "type" in entities["Geo"].attrib["class"].split()
    assert _svg_edges(root) == {
        ("m-n", "Person", "Tag", "zero_or_many", "zero_or_many"),
        ("type", "Person", "Address", "zero_or_many", "zero_or_many"),
        ("type", "Address", "Geo", "zero_or_many", "zero_or_one"),
    }
    # the embedded m-n of MongoDB has no join table
    mn = next(p for p in root.iter(f"{SVG}path") if p.attrib.get("data-kind") == "m-n")
    assert "via" not in (mn.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
    mermaid = _render(MONGO, "mermaid").splitlines()
    assert '    Person }o..o{ Address : "addresses"' in mermaid
    assert '    Address }o..o| Geo : "geo"' in mermaid


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_html_is_one_self_contained_page() -> None:
    page = render(build_diagram([("schema.prisma", RELATIONS)]), "html", "Schema: <b>x</b>")
    parser = _Elements()
    parser.feed(page)
    assert parser.tags.count("script") == 1
    assert parser.tags.count("svg") == 1
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<title>Schema: &lt;b&gt;x&lt;/b&gt;</title>" in page
    # the inline SVG is the SVG document
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert _svg_edges(ET.fromstring(svg)) == EDGES


def test_hostile_text_is_escaped_in_every_format() -> None:
    svg = _render(NASTY, "svg")
    root = ET.fromstring(svg)  # well-formed despite the text
    assert not any(el.tag.endswith("script") for el in root.iter())
    evil = _svg_entities(root)["Evil"]
    title = evil.find(f"{SVG}title")
    assert title is not None and title.text == f'Evil (evil<table>"name)\n{NASTY_DOC}'
    label = evil.find(f"{SVG}g[@data-column='label']/{SVG}title")
    assert label is not None
    assert label.text == 'label String @default("<b onload=\\"x\\">&amp; \\\\\\" #35;")\nfield doc <i>&</i>'

    page = render(build_diagram([("schema.prisma", NASTY)]), "html", "t")
    parser = _Elements()
    parser.feed(page)
    assert parser.tags.count("script") == 1 and "i" not in parser.tags and "b" not in parser.tags
    assert "table" not in parser.tags

    (graph,) = pydot.graph_from_dot_data(_render(NASTY, "dot"))
    node = next(n for n in graph.get_nodes() if n.get_name() == '"Evil"')
    assert node.get("tooltip") == '"' + NASTY_DOC.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert "<script>" not in node.get("label")

    mermaid = _render(NASTY, "mermaid")
    for line in mermaid.splitlines()[1:]:
        strings = re.findall(r'"[^"]*"', line)
        outside = re.sub(r'"[^"]*"', "", line)
        assert '"' not in outside and "#" not in outside and "<" not in outside, line
        for s in strings:
            assert not set(s[1:-1]) & set('"<>\\'), s
    # the default as written in the schema (a PSL string), by Mermaid's entity codes
    assert "default #34;#60;b onload=#92;#34;x#92;#34;#62;#38;amp; #92;#92;#92;#34; #35;35;#34;" in mermaid
    assert NASTY_DEFAULT.startswith("<b onload")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
@pytest.mark.parametrize("schema", [RELATIONS, NASTY], ids=["relations", "nasty"])
def test_graphviz_renders_the_dot_output(schema: str, tmp_path: Path) -> None:
    """Where Graphviz is installed, its own parser accepts the text and draws every node."""
    source = tmp_path / "erd.dot"
    source.write_text(_render(schema, "dot"), encoding="utf-8")
    proc = subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    root = ET.fromstring(proc.stdout)
    titles = [t.text for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "node" for t in g.iter(f"{SVG}title")]
    expected = MODELS + ENUMS if schema is RELATIONS else ["Evil", "Other"]
    assert sorted(titles) == sorted(expected)
    if schema is NASTY:
        tips = [a.attrib.get("{http://www.w3.org/1999/xlink}title") for a in root.iter(f"{SVG}a")]
        assert NASTY_DOC in tips
