VACUUM (FULL) "User";
