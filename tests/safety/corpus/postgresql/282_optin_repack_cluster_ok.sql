ANALYZE "User";
