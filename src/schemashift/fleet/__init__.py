"""One migrations folder, many databases: ``schemashift fleet deploy|status|check``.

For SaaS layouts with a database or a schema per tenant, shards, regions. The single-database
workflow (:mod:`schemashift.migrations`) does the work on each target; this package adds:

- :mod:`.targets`: the targets file (a list of URLs, a URL template and tenant names, a listing
  query, or every schema/database matching a pattern), streamed one target at a time;
- :mod:`.project`: the project read once (schema validated, migrations and checksums read once),
  and a per-target :class:`~schemashift.migrations.project.MigrateProject` sharing it;
- :mod:`.locks`: Prisma's migration lock per database (PostgreSQL) or server (MySQL), held by the
  fleet so that targets sharing it can deploy in parallel;
- :mod:`.work`: deploy, status and check of one target, from its ``_prisma_migrations`` table
  (the fleet's only state: a second run resumes from what the databases say);
- :mod:`.runner`: worker threads, the canary, waves, Ctrl-C;
- :mod:`.report`: one small record per target, the table, the versioned JSON, the exit codes.

User documentation: docs/fleet.md.
"""
