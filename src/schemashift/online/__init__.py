"""Online schema changes: work on live tables without long locks (``migrate dev --online``, batched
backfills; see docs/online.md)."""
