"""Online schema changes: work on live tables without long locks (batched backfills...)."""
