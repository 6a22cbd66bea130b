"""Migrations: the folder, the history table, status, apply, and the dev workflow."""
