"""Online mode (``migrate dev --online``): lock-safe forms of the differ's steps (see docs/online.md)."""
