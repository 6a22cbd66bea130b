"""schemashift: Prisma-compatible, schema-first database migrations in Python."""

__version__ = "0.1.0"
