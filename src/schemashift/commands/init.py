"""``schemashift init``: create ``prisma/schema.prisma`` and ``.env``, like ``prisma init``."""

from __future__ import annotations

from pathlib import Path

import click

from schemashift.commands import stdout_color
from schemashift.errors import SchemaExistsError, UsageError

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

ENV_HEADER = """\
# Environment variables declared in this file are loaded by schemashift (and Prisma).
# The datasource block of prisma/schema.prisma reads its url from DATABASE_URL.
# Connection string formats: https://pris.ly/d/connection-strings

"""

GITIGNORE = "# Keep environment variables out of version control\n.env\n"


def schema_template(provider: str) -> str:
    return f"""\
// This is your Prisma schema file,
// learn more about it in the docs: https://pris.ly/d/prisma-schema

generator client {{
  provider = "prisma-client-js"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}
"""


# prisma/seed.py: the guide's prisma/seed.ts with the Python client. It needs a schema with
#
#   generator client { provider = "schemashift-py" }
#   enum PlanTier { FREE PRO }
#   model User { id String @id @default(cuid())  email String @unique  planTier PlanTier @default(FREE) }
#
# and does nothing (exit 0) until the client has been generated, so `migrate reset` keeps working.
SEED_TEMPLATE = '''\
"""Seed the database: run by `schemashift db seed` and after `schemashift migrate reset`.

Uses the typed client that `schemashift generate` (or `migrate dev`) writes to prisma/prisma_client.
"""

import sys

try:
    from prisma_client import Client
except ModuleNotFoundError:
    print("prisma/seed.py: no generated client yet: add a `schemashift-py` generator to the schema and run "
          "`schemashift generate`. Nothing was seeded.")
    sys.exit(0)


def main() -> None:
    prisma = Client()
    try:
        prisma.user.create_many(
            data=[
                {"email": "admin@example.com", "planTier": "PRO"},
                {"email": "user@example.com", "planTier": "FREE"},
            ],
        )
    finally:
        prisma.close()


if __name__ == "__main__":
    main()
'''


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


def write_env(env_path: Path, url: str) -> str | None:
    """Create or extend ``.env``; return a warning when DATABASE_URL is already there."""
    from dotenv import dotenv_values

    if not env_path.exists():
        env_path.write_text(ENV_HEADER + env_line(url), encoding="utf-8")
        return None
    if "DATABASE_URL" in dotenv_values(env_path):
        return f"warn schemashift would have added DATABASE_URL but it already exists in {env_path.name}"
    with env_path.open("a", encoding="utf-8") as handle:
        handle.write("\n\n# This was inserted by `schemashift init`:\n" + env_line(url))
    return None


def write_gitignore(path: Path) -> str | None:
    if not path.exists():
        path.write_text(GITIGNORE, encoding="utf-8")
        return None
    lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    if not lines & {".env", "/.env", ".env*", "*.env"}:
        return "warn You already have a .gitignore file. Don't forget to add `.env` in it to not commit any private information."
    return None


@click.command()
@click.option(
    "--datasource-provider",
    "provider",
    type=click.Choice(PROVIDERS, case_sensitive=False),
    default=None,
    help="The datasource provider (default: postgresql).",
)
@click.option("--url", default=None, metavar="URL", help="The database URL to put into .env.")
def init(provider: str | None, url: str | None) -> None:
    """Set up a new schema-first project: prisma/schema.prisma and .env."""
    cwd = Path.cwd()
    for existing in ("schema.prisma", "prisma/schema.prisma"):
        if (cwd / existing).exists():
            raise SchemaExistsError(existing)
    if provider is not None:
        provider = provider.lower()
    if url is not None:
        url_provider = provider_of_url(url)
        if provider is not None and provider != url_provider:
            raise UsageError(f"The --url is a {url_provider} URL but --datasource-provider is {provider}.")
        provider = url_provider
    provider = provider or "postgresql"
    url = url or DEFAULT_URLS[provider]

    (cwd / "prisma").mkdir(exist_ok=True)
    (cwd / "prisma" / "schema.prisma").write_text(schema_template(provider), encoding="utf-8")
    if not (cwd / "prisma" / "seed.py").exists():
        (cwd / "prisma" / "seed.py").write_text(SEED_TEMPLATE, encoding="utf-8")
    warnings = [w for w in (write_env(cwd / ".env", url), write_gitignore(cwd / ".gitignore")) if w]

    click.echo(f"\n✔ Your Prisma schema was created at {green('prisma/schema.prisma')}")
    click.echo("  You can now open it in your favorite editor.\n")
    for warning in warnings:
        label = click.style("warn", fg="yellow") if stdout_color() else "warn"
        click.echo(label + warning.removeprefix("warn"))
    if warnings:
        click.echo()
    click.echo("Next steps:")
    click.echo(f"1. Set the {green('DATABASE_URL')} in the {green('.env')} file to point to your database.")
    click.echo(f"2. Add your models to {green('prisma/schema.prisma')} and check them with {green('schemashift validate')}.")
    click.echo(f"3. Run {green('schemashift migrate dev --name init')} to create and apply your first migration.")
