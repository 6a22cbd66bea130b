"""``schemashift erd``: draw the schema (models, keys, relations, enums) as SVG, HTML, Mermaid or DOT."""

from __future__ import annotations

from pathlib import Path

import click

from schemashift.commands import open_project, schema_option

FORMAT_CHOICES = ("svg", "html", "mermaid", "dot")


@click.command()
@schema_option
@click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
    help="Output format (default: from the -o file's suffix, else svg).",
)
@click.option("-o", "--output", "output", metavar="FILE", default=None, help="Write to FILE instead of standard output.")
def erd(schema: str | None, fmt: str | None, output: str | None) -> None:
    """Draw the schema as an entity-relationship diagram (no database needed)."""
    from schemashift.erd import SUFFIXES, build_diagram, render

    chosen = fmt
    if chosen is None and output is not None:
        chosen = SUFFIXES.get(Path(output).suffix.lower())
        if chosen is None:
            suffixes = ", ".join(sorted(SUFFIXES))
            raise click.UsageError(
                f"Cannot tell the format from the file name {output!r}: give --format, or use one of {suffixes}."
            )
    project = open_project(schema)
    files = project.read()
    diagram = build_diagram(files)
    title = f"Schema: {project.schema.display}"
    text = render(diagram, chosen or "svg", title)  # type: ignore[arg-type]
    if output is None:
        click.echo(text, nl=False)
        return
    path = Path(output)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        from schemashift.errors import file_error

        raise file_error(path, exc, "write") from None
    models = sum(1 for e in diagram.entities if e.kind in ("model", "view"))
    click.echo(f"Wrote the diagram of {models} models to {output}", err=True)
