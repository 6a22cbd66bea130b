"""Prisma schema language front end: parser, validator, formatter, renderer."""
