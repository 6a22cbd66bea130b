ALTER VIEW active SET (security_barrier = true);
