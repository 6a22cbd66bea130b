"""The layout at 200 models: every box and edge drawn, no two boxes overlapping, and a picture
about as wide as high (not 200 boxes in a row or a column). Read from the SVG itself."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from erd_schemas import RELATIONS, chain_schema, star_schema
from schemashift.erd import build_diagram, render

SVG = "{http://www.w3.org/2000/svg}"


def _boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "entity" not in g.attrib.get("class", "").split():
            continue
        m = re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", g.attrib["transform"])
        assert m is not None
        rect = g.find(f"{SVG}rect")
        assert rect is not None and rect.attrib["class"] == "box"
        x, y = float(m[1]), float(m[2])
        out[g.attrib["data-name"]] = (x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"]))
    return out


def _check(schema: str, models: list[str], edges: int) -> tuple[float, float]:
    root = ET.fromstring(render(build_diagram([("schema.prisma", schema)]), "svg"))
    boxes = _boxes(root)
    assert set(models) <= set(boxes)
    drawn = [p for p in root.iter(f"{SVG}path") if "edge" in p.attrib.get("class", "").split()]
    assert len(drawn) == edges
    for p in drawn:
        assert p.attrib["data-source"] in boxes and p.attrib["data-target"] in boxes
    width, height = float(root.attrib["width"]), float(root.attrib["height"])
    # sweep by x: each box is compared with the boxes that start before it ends
    items = sorted(boxes.items(), key=lambda kv: kv[1][0])
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(items):
        assert 0 <= ax0 and ax1 <= width and 0 <= ay0 and ay1 <= height, a
        for b, (bx0, by0, bx1, by1) in items[i + 1 :]:
            if bx0 >= ax1:
                break
            assert by1 <= ay0 or by0 >= ay1, f"{a} {boxes[a]} overlaps {b} {boxes[b]}"
    return width, height


@pytest.mark.parametrize("shape", ["chain", "star"])
def test_200_models_do_not_overlap_and_fill_a_screen_shape(shape: str) -> None:
    if shape == "chain":  # bench/genschema.py: each model references the previous one
        schema, models, edges = chain_schema(200), [f"Model{i:04d}" for i in range(200)], 199
    else:  # one hub referenced by 199 models, m-n links between neighbours, an enum
        schema, models, edges = star_schema(200), ["Hub"] + [f"M{i:03d}" for i in range(1, 200)], 199 + 198 + 19
    width, height = _check(schema, models, edges)
    assert 0.5 < width / height < 4, (width, height)


def test_small_schema_layers_referenced_models_above() -> None:
    root = ET.fromstring(render(build_diagram([("schema.prisma", RELATIONS)]), "svg"))
    boxes = _boxes(root)
    # a model is drawn below the models it references
    assert boxes["Post"][1] > boxes["User"][3]
    assert boxes["TagOnPost"][1] > boxes["Post"][3]
    assert boxes["TagOnPost"][1] > boxes["Tag"][3]
    assert boxes["Profile"][1] > boxes["User"][3]
