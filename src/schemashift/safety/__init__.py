"""Safety: the data-loss checker and the migration linter."""
