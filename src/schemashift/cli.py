"""The ``schemashift`` command line: a lazy click group plus the error handling of ``main()``.

Commands live in ``schemashift.commands.<module>`` and are imported only when run. To add a
command or a command group, add one line to :data:`COMMANDS`:
``"name": ("module:attribute", "short help shown by schemashift --help")``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from schemashift import __version__
from schemashift.commands import click_color, stderr_color, tolerate_unencodable_output
from schemashift.errors import EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED, SchemashiftError, redact

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("schemashift.commands.init:init", "Set up a new schema-first project (prisma/schema.prisma + .env)"),
    "validate": ("schemashift.commands.schema:validate", "Validate the Prisma schema"),
    "format": ("schemashift.commands.schema:format_", "Format the Prisma schema"),
    "migrate": ("schemashift.commands.migrate:migrate", "Create, apply and inspect migrations"),
    "db": ("schemashift.commands.db:db", "Push, execute SQL, seed"),
    "backup": ("schemashift.commands.backup:backup", "Back up, restore and prune database backups"),
    "fleet": ("schemashift.commands.fleet:fleet", "Deploy and inspect migrations on many databases (tenants, shards)"),
    "generate": ("schemashift.commands.generate:generate", "Generate the typed Python client"),
    "erd": ("schemashift.commands.erd:erd", "Draw the schema as a diagram (svg, html, mermaid, dot)"),
    "backfill": ("schemashift.commands.backfill:backfill", "Run an UPDATE in small resumable batches over the primary key"),
    "check": ("schemashift.commands.check:check", "Run the pre-deployment checklist (exit 1 when a check fails)"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, from :data:`COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        import importlib

        target, _ = COMMANDS[cmd_name]
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from the registry's help texts, without importing them."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx) if name in COMMANDS]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-v", "--version", prog_name="schemashift", message="%(prog)s %(version)s")
@click.option("-q", "--quiet", is_flag=True, help="Only results and errors: no progress notes, no warnings of the log.")
@click.option("--verbose", is_flag=True, help="Log what schemashift does on stderr, down to each SQL query (DEBUG).")
def cli(quiet: bool, verbose: bool) -> None:
    """schemashift: Prisma-compatible, schema-first database migrations in Python."""
    from schemashift.commands import output

    output.reset()  # a new run in the same process (tests, an embedding application)
    output.setup_logging(quiet, verbose)


def _fail(text: str, code: int) -> int:
    """Print an error on stderr; the last line of defence against a password in it."""
    click.echo(redact(text), err=True, color=True)  # colour was decided by the caller
    return code


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code; every error ends here as a message, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    if sys.stdin is None:  # started with standard input closed (`<&-`): it reads as empty
        sys.stdin = open(os.devnull, encoding="utf-8")
    tolerate_unencodable_output()
    try:
        result = cli.main(args=args, prog_name="schemashift", standalone_mode=False, color=click_color())
    except SchemashiftError as exc:
        exit_code = exc.exit_code
        from schemashift.commands import output

        if output.json_requested(args):
            click.echo(output.schemashift_error_document(exc, exit_code))
        return _fail(exc.render(color=stderr_color()), exit_code)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort: say so (a closed prompt is an Abort too)
        interrupted = isinstance(exc.__context__, KeyboardInterrupt)
        said = "Interrupted (Ctrl-C): the command stopped." if interrupted else "Aborted."
        return _json_fail(args, "interrupted", said, EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        return _json_fail(args, "interrupted", "Interrupted.", EXIT_INTERRUPTED)
    except click.ClickException as exc:  # usage errors: click's text, redacted (it echoes values)
        import io

        text = io.StringIO()
        exc.show(file=text)
        return _json_fail(args, "usage", text.getvalue().rstrip("\n"), exc.exit_code)
    except OSError as exc:
        if exc.filename is None:  # not about a file: a bug, or a failure a connector should name
            return _internal(exc)
        # a file or folder that cannot be read or written (read-only project, a file where a
        # folder should be, disk full): the environment's fault, said with the path
        from schemashift.errors import file_error

        from schemashift.commands import output

        error = file_error(exc.filename, exc, "access")
        if output.json_requested(args):
            click.echo(output.schemashift_error_document(error, EXIT_ERROR))
        return _fail(error.render(color=stderr_color()), EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        return _internal(exc)
    finally:
        output_module = sys.modules.get("schemashift.commands.output")
        if output_module is not None:  # the next run in this process starts without --json, -q
            output_module.reset()
    return result if isinstance(result, int) else 0


def _json_fail(args: Sequence[str], code: str, text: str, exit_code: int) -> int:
    """An error that is not a SchemashiftError: the JSON error object too, with ``--json``."""
    from schemashift.commands import output

    if output.json_requested(args):
        click.echo(output.error_document(code, redact(text), exit_code))
    return _fail(text, exit_code)


def _internal(exc: BaseException) -> int:
    if os.environ.get("SCHEMASHIFT_DEBUG") == "1":
        import traceback

        _fail("".join(traceback.format_exception(exc)).rstrip(), EXIT_INTERNAL)
    from schemashift.commands import output

    if output.state.json:
        click.echo(output.error_document("internal", f"internal error ({type(exc).__name__}: {exc})", EXIT_INTERNAL))
    return _fail(
        f"Error: internal error ({type(exc).__name__}: {exc}).\n"
        "This is a bug in schemashift; run again with SCHEMASHIFT_DEBUG=1 to see the traceback.",
        EXIT_INTERNAL,
    )


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":  # python -m schemashift.cli
    main()
