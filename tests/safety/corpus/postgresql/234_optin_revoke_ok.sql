GRANT SELECT ON "User" TO reporting;
