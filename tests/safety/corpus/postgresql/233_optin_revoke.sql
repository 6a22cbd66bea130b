REVOKE SELECT ON "User" FROM reporting;
