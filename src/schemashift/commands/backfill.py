"""``schemashift backfill``: one UPDATE run in primary-key batches (:mod:`schemashift.online.backfill`)."""

from __future__ import annotations

import click

from schemashift.commands import info, schema_option


@click.command()
@schema_option
@click.option("--url", default=None, help="The URL of the database (instead of --schema's datasource).")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False), help="Read the UPDATE from a file.")
@click.option("--batch-time", default=None, help="Time aimed at per batch (each its own transaction).  [default: 50ms]")
@click.option("--max-lag", default="10s", show_default=True, help="Wait while replicas lag more than this ('off': never check).")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(min=1), help="Rows in the first batch.")
@click.option("--lock-timeout", default="2s", show_default=True, help="Lock timeout of each batch (retried with backoff).")
@click.option(
    "--progress",
    type=click.Choice(["auto", "bar", "json", "none"]),
    default="auto",
    show_default=True,
    help="Progress on stderr: a bar at a terminal, JSON lines otherwise.",
)
@click.argument("statement", required=False)
def backfill(
    schema: str | None,
    url: str | None,
    file: str | None,
    batch_time: str | None,
    max_lag: str,
    batch_size: int,
    lock_timeout: str,
    progress: str,
    statement: str | None,
) -> None:
    """Run STATEMENT (an `UPDATE <table> SET ... [WHERE ...]`) in primary-key batches of about
    --batch-time each, resumable: run the same statement again after a crash or Ctrl-C to continue."""
    from schemashift.commands.migrate import _open
    from schemashift.connectors import connect
    from schemashift.errors import UsageError, read_text
    from schemashift.migrations.interrupt import SigintGuard
    from schemashift.online.backfill import (
        Backfill,
        BackfillInterrupted,
        BackfillOptions,
        directive_options,
        statement_key,
    )
    from schemashift.commands import progressbar

    if bool(file) == bool(statement):
        raise UsageError("Give the UPDATE statement as an argument or with --file (one of them).")
    text = read_text(file, "the SQL file ") if file else str(statement)
    text = text.strip().rstrip(";").strip()
    where = file or "the statement given"
    options = directive_options(
        "-- schemashift:backfill "
        + (f"batch-time={batch_time} " if batch_time is not None else "")
        + f"max-lag={max_lag} lock-timeout={lock_timeout}",
        BackfillOptions(batch_size=batch_size),
        where="command line",
    )
    if url and schema:
        raise UsageError("--url and --schema cannot be used together.")
    conn = connect(url) if url else _open(schema).connect()
    with conn:
        run = Backfill(conn, text, statement_key(text), where=where, options=options)
        with SigintGuard(conn) as sigint, progressbar.on_terminal(progress):
            run.stop = lambda: sigint.requested
            result = run.run()
        if not result.completed:
            raise BackfillInterrupted(
                f"the backfill stopped between batches after {result.rows_updated:,} rows; the progress is "
                "kept: run the same command again to continue."
            )
    resumed = " (resumed)" if result.resumed else ""
    info(f"Backfill done{resumed}: {result.rows_updated:,} rows updated in {result.batches} batches, {result.seconds:.1f}s.")
