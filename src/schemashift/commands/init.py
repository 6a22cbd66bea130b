"""``schemashift init``: start a project that works at once, like ``prisma init``.

Writes ``prisma/schema.prisma`` (a ``schemashift-py`` generator, the datasource and the guide's
``User`` model), ``prisma/seed.py`` (fits that model; idempotent), ``.env`` and ``.gitignore``;
with ``--prisma7`` the datasource has no ``url`` and ``prisma.config.ts`` names the schema, the
migrations, the seed and ``DATABASE_URL``, as Prisma 7's ``prisma init`` writes it. The next
steps printed at the end follow the options given. ``init`` followed by ``migrate dev --name
init`` and ``db seed`` (twice) works unchanged on SQLite (``tests/test_cli_init.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from schemashift.commands import stdout_color
from schemashift.errors import SchemaExistsError, UsageError
from schemashift.generate import DEFAULT_OUTPUT, PROVIDER

PROVIDERS = ("postgresql", "mysql", "sqlite")

DEFAULT_URLS = {
    "postgresql": "postgresql://johndoe:randompassword@localhost:5432/mydb?schema=public",
    "mysql": "mysql://johndoe:randompassword@localhost:3306/mydb",
    "sqlite": "file:./dev.db",
}

URL_PROTOCOLS = {
    "postgresql://": "postgresql",
    "postgres://": "postgresql",
    "mysql://": "mysql",
    "file:": "sqlite",
}

CONFIG_NAMES = ("prisma.config.ts", "prisma.config.mts", "prisma.config.cts", "prisma.config.js", "prisma.config.mjs", "prisma.config.cjs")

ENV_HEADER = """\
# Environment variables declared in this file are loaded by schemashift (and Prisma).
# {reader} reads the database URL from DATABASE_URL.
# Connection string formats: https://pris.ly/d/connection-strings

"""

# What a schemashift project must not commit: the URL (.env), SQLite databases and their
# journals, backups (`backup create`'s default folder), the shadow-database cache and the
# generated client (written again by `generate` / `migrate dev`).
GITIGNORE_ENTRIES = (
    (".env", "Keep environment variables out of version control"),
    ("*.db", "SQLite databases and their journals"),
    ("*.db-journal", None),
    ("*.db-wal", None),
    ("*.db-shm", None),
    ("/backups/", "`schemashift backup create` (default folder)"),
    ("/.schemashift/", "schemashift's shadow-database cache"),
    (f"/prisma/{DEFAULT_OUTPUT}/", "the generated Python client (`schemashift generate`)"),
)


def schema_template(provider: str, generator: str, prisma7: bool) -> str:
    url = "" if prisma7 else '\n  url      = env("DATABASE_URL")'
    return f"""\
// This is your Prisma schema file,
// learn more about it in the docs: https://pris.ly/d/prisma-schema

generator client {{
  provider = "{generator}"
}}

datasource db {{
  provider = "{provider}"{url}
}}

enum PlanTier {{
  FREE
  PRO
}}

model User {{
  id        String   @id @default(cuid())
  email     String   @unique
  planTier  PlanTier @default(FREE)
  createdAt DateTime @default(now())
}}
"""


CONFIG_TEMPLATE = """\
// Prisma 7's configuration, written by `schemashift init --prisma7`. schemashift reads it without
// Node (the forms it understands: docs/cli.md); the Prisma CLI reads it too
// (npm install --save-dev prisma dotenv).
import "dotenv/config";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "python prisma/seed.py",
  },
  datasource: {
    url: process.env["DATABASE_URL"],
  },
});
"""

# prisma/seed.py: the guide's prisma/seed.ts with the Python client, for the model above.
SEED_TEMPLATE = '''\
"""Seed the database: run by `schemashift db seed` (and after `schemashift migrate reset` in a
Prisma 6 project, whose datasource has a url).

Uses the typed client that `schemashift generate` (or a Prisma 6 project's `migrate dev`) writes to
prisma/prisma_client.
It can run any number of times: each user is upserted by its unique email.
"""
{imports}
try:
    from prisma_client import Client
except ModuleNotFoundError as exc:
    if exc.name != "prisma_client":
        raise
    sys.exit(
        "prisma/seed.py: the Python client is not generated yet: run `schemashift generate` "
        "(a Prisma 6 project's `schemashift migrate dev` does too). Nothing was seeded."
    )

USERS = [
    {{"email": "admin@example.com", "planTier": "PRO"}},
    {{"email": "user@example.com", "planTier": "FREE"}},
]

{url_function}
def main() -> None:
    prisma = Client({client_args})
    try:
        for user in USERS:
            prisma.user.upsert(
                where={{"email": user["email"]}},
                create={{"email": user["email"], "planTier": user["planTier"]}},
                update={{"planTier": user["planTier"]}},
            )
        print(f"Seeded {{len(USERS)}} users ({{prisma.user.count()}} in the database).")
    finally:
        prisma.close()


if __name__ == "__main__":
    main()
'''

# prisma.config.ts's URL: a relative SQLite path is relative to the project folder (the config's),
# where the client would take it from the schema's folder.
SEED_URL_FUNCTION = '''\
def database_url() -> str:
    """DATABASE_URL, as prisma.config.ts gives it (relative SQLite paths from the project folder)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("file:") and not url.startswith("file:/"):
        url = "file:" + os.path.abspath(url[len("file:"):])
    return url


'''


def seed_template(prisma7: bool) -> str:
    if prisma7:
        return SEED_TEMPLATE.format(
            imports="\nimport os\nimport sys\n", url_function=SEED_URL_FUNCTION, client_args="url=database_url()"
        )
    return SEED_TEMPLATE.format(imports="\nimport sys\n", url_function="", client_args="")


def env_line(url: str) -> str:
    escaped = url.replace("\\", "\\\\").replace('"', '\\"')
    return f'DATABASE_URL="{escaped}"\n'


def provider_of_url(url: str) -> str:
    for protocol, provider in URL_PROTOCOLS.items():
        if url.startswith(protocol):
            return provider
    known = ", ".join(f"`{p}`" for p in URL_PROTOCOLS)
    raise UsageError(f"The url must start with one of the protocols {known}.")


def green(text: str) -> str:
    return click.style(text, fg="green") if stdout_color() else text


def write_env(env_path: Path, url: str, prisma7: bool) -> str | None:
    """Create or extend ``.env``; return a warning when DATABASE_URL is already there."""
    from dotenv import dotenv_values

    if not env_path.exists():
        reader = "prisma.config.ts" if prisma7 else "The datasource block of prisma/schema.prisma"
        env_path.write_text(ENV_HEADER.format(reader=reader) + env_line(url), encoding="utf-8")
        return None
    if "DATABASE_URL" in dotenv_values(env_path):
        return f"schemashift would have added DATABASE_URL but it already exists in {env_path.name}"
    with env_path.open("a", encoding="utf-8") as handle:
        handle.write("\n\n# This was inserted by `schemashift init`:\n" + env_line(url))
    return None


def gitignore_text(entries: list[tuple[str, str | None]]) -> str:
    lines: list[str] = []
    for entry, comment in entries:
        if comment:
            lines.append(f"# {comment}")
        lines.append(entry)
    return "\n".join(lines) + "\n"


def _ignored(entry: str, existing: set[str]) -> bool:
    bare = entry.strip("/")
    return bool({entry, bare, "/" + bare, bare + "/", "/" + bare + "/"} & existing) or (
        entry == ".env" and bool({".env*", "*.env"} & existing)
    )


def write_gitignore(path: Path) -> list[str]:
    """Create ``.gitignore``, or add the entries it lacks (nothing is removed); the entries added
    to an existing file."""
    if not path.exists():
        path.write_text(gitignore_text(list(GITIGNORE_ENTRIES)), encoding="utf-8")
        return []
    text = path.read_text(encoding="utf-8")
    existing = {line.strip() for line in text.splitlines()}
    missing = [(e, c) for e, c in GITIGNORE_ENTRIES if not _ignored(e, existing)]
    if missing:
        sep = "" if not text or text.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(sep + "\n# Added by `schemashift init`:\n" + gitignore_text(missing))
    return [e for e, _ in missing]


@dataclass(frozen=True)
class Plan:
    provider: str
    url: str
    url_given: bool
    generator: str
    prisma7: bool


def next_steps(plan: Plan, env_kept: bool) -> list[str]:
    """What to do next, for the options given: no "set DATABASE_URL" when ``--url`` gave it, when
    ``.env`` already had one, or for SQLite's default file; no generate step for a generator
    schemashift does not run."""
    steps: list[str] = []
    where = f"the {green('.env')} file" + (f" ({green('prisma.config.ts')} reads it)" if plan.prisma7 else "")
    if not plan.url_given and not env_kept and plan.provider != "sqlite":
        steps.append(f"Set the {green('DATABASE_URL')} in {where} to point to your database.")
    steps.append(
        f"Edit the models in {green('prisma/schema.prisma')} (a {green('User')} model to start with) "
        f"and check them with {green('schemashift validate')}."
    )
    if plan.generator == PROVIDER and plan.prisma7:  # Prisma 7's migrate dev runs no generator
        steps.append(
            f"Run {green('schemashift migrate dev --name init')} to create and apply your first migration, "
            f"then {green('schemashift generate')} to write the Python client ({green('prisma/' + DEFAULT_OUTPUT)})."
        )
        steps.append(
            f"Run {green('schemashift db seed')} to add the rows of {green('prisma/seed.py')} "
            "(safe to run again; `migrate reset` does not seed a Prisma 7 project)."
        )
    elif plan.generator == PROVIDER:
        steps.append(
            f"Run {green('schemashift migrate dev --name init')} to create and apply your first migration; "
            f"it also generates the Python client ({green('prisma/' + DEFAULT_OUTPUT)})."
        )
        steps.append(
            f"Run {green('schemashift db seed')} to add the rows of {green('prisma/seed.py')} "
            "(safe to run again)."
        )
    else:
        steps.append(
            f"Run {green('schemashift migrate dev --name init')} to create and apply your first migration."
        )
        steps.append(
            f"schemashift does not run the `{plan.generator}` generator: run it with its own tool "
            f"(e.g. {green('npx prisma generate')}), or use {green(PROVIDER)} for the Python client."
        )
    return steps


@click.command()
@click.option(
    "--datasource-provider",
    "provider",
    type=click.Choice(PROVIDERS, case_sensitive=False),
    default=None,
    help="The datasource provider (default: postgresql, or the one of --url).",
)
@click.option("--url", default=None, metavar="URL", help="The database URL to put into .env.")
@click.option(
    "--generator-provider",
    "generator",
    default=PROVIDER,
    show_default=True,
    metavar="PROVIDER",
    help="The provider of the schema's generator block (schemashift runs only schemashift-py).",
)
@click.option(
    "--prisma7",
    is_flag=True,
    help="Prisma 7's layout: prisma.config.ts holds the URL, the schema's datasource has no url.",
)
def init(provider: str | None, url: str | None, generator: str, prisma7: bool) -> None:
    """Set up a new schema-first project: schema, seed, .env and .gitignore."""
    if not generator.strip() or '"' in generator or "\\" in generator or "\n" in generator:
        raise UsageError("--generator-provider must be a name such as `schemashift-py` (no quotes).")
    cwd = Path.cwd()
    for existing in ("schema.prisma", "prisma/schema.prisma", *(CONFIG_NAMES if prisma7 else ())):
        if (cwd / existing).exists():
            raise SchemaExistsError(existing)
    if provider is not None:
        provider = provider.lower()
    url_given = url is not None
    if url is not None:
        url_provider = provider_of_url(url)
        if provider is not None and provider != url_provider:
            raise UsageError(f"The --url is a {url_provider} URL but --datasource-provider is {provider}.")
        provider = url_provider
    provider = provider or "postgresql"
    plan = Plan(provider, url or DEFAULT_URLS[provider], url_given, generator.strip(), prisma7)

    (cwd / "prisma").mkdir(exist_ok=True)
    written = ["prisma/schema.prisma"]
    (cwd / "prisma" / "schema.prisma").write_text(
        schema_template(plan.provider, plan.generator, plan.prisma7), encoding="utf-8"
    )
    if plan.prisma7:
        (cwd / "prisma.config.ts").write_text(CONFIG_TEMPLATE, encoding="utf-8")
        written.append("prisma.config.ts")
    if plan.generator == PROVIDER and not (cwd / "prisma" / "seed.py").exists():
        (cwd / "prisma" / "seed.py").write_text(seed_template(plan.prisma7), encoding="utf-8")
        written.append("prisma/seed.py")
    env_warning = write_env(cwd / ".env", plan.url, plan.prisma7)
    had_gitignore = (cwd / ".gitignore").exists()
    added = write_gitignore(cwd / ".gitignore")

    click.echo(f"\n✔ Your Prisma schema was created at {green('prisma/schema.prisma')}")
    click.echo("  You can now open it in your favorite editor.\n")
    click.echo("Written: " + ", ".join(written + ([] if had_gitignore else [".gitignore"])) + ", .env")
    notes = []
    if env_warning:
        notes.append(env_warning)
    if added:
        notes.append("added to .gitignore: " + " ".join(added))
    label = click.style("warn", fg="yellow") if stdout_color() else "warn"
    for note in notes:
        click.echo(f"{label} {note}" if note is env_warning else note)
    click.echo("\nNext steps:")
    for number, step in enumerate(next_steps(plan, env_kept=env_warning is not None), 1):
        click.echo(f"{number}. {step}")
