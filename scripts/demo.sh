#!/usr/bin/env bash
# The local workflow of the migration guide (database-migration-workflow.md), step by step, in a
# fresh demo/ folder. Run through `make demo` (which puts .venv/bin on PATH), or directly with
# schemashift on PATH. DEMO_PROVIDER=sqlite|postgresql|mysql and DEMO_DATABASE_URL choose the
# database (default: SQLite in demo/prisma/dev.db, which needs no server); DEMO_DIR another folder.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="${DEMO_DIR:-$ROOT/demo}"
PROVIDER="${DEMO_PROVIDER:-sqlite}"

if [ -t 1 ]; then BOLD=$'\033[1m' DIM=$'\033[2m' RESET=$'\033[0m'; else BOLD='' DIM='' RESET=''; fi
step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$RESET"; }
run() { printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; "$@"; }
expect_failure() {
    printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"
    if "$@"; then echo "demo: expected '$*' to fail" >&2; exit 1; fi
}

command -v schemashift >/dev/null || { echo "schemashift is not on PATH: run 'make demo'" >&2; exit 1; }

rm -rf "$DEMO"
mkdir -p "$DEMO"
cd "$DEMO"

step "1. Start a project"
if [ -n "${DEMO_DATABASE_URL:-}" ]; then
    run schemashift init --datasource-provider "$PROVIDER" --url "$DEMO_DATABASE_URL"
else
    run schemashift init --datasource-provider "$PROVIDER"
fi

step "2. Make schema changes in prisma/schema.prisma: a User model"
cat >> prisma/schema.prisma <<'PRISMA'

model User {
  id        String   @id @default(cuid())
  email     String   @unique
  createdAt DateTime @default(now())
}
PRISMA
run cat prisma/schema.prisma
run schemashift validate
run schemashift format --check

step "3. Generate the first migration and apply it (migrate dev)"
run schemashift migrate dev --name init
run cat prisma/migrations/*_init/migration.sql

step "4. Example: adding a new field (the guide's firstName)"
sed -i.bak 's|^  email     String   @unique$|&\n  // New field\n  firstName String?  // Add this|' prisma/schema.prisma
rm prisma/schema.prisma.bak
run schemashift format
run tail -n 8 prisma/schema.prisma
run schemashift migrate dev --name add_user_first_name

step "5. Review the migration SQL"
run cat prisma/migrations/*_add_user_first_name/migration.sql

step "6. Migration status"
run schemashift migrate status

step "7. Production workflow: deploy applies only what is pending"
run schemashift migrate deploy

step "8. Reset the development database (destructive: drop, re-create, re-apply)"
run schemashift migrate reset --force
run schemashift migrate status

step "9. Mistakes are reported with their place in the file"
sed -i.bak 's/createdAt DateTime/createdAt DateTim/' prisma/schema.prisma
expect_failure schemashift validate
mv prisma/schema.prisma.bak prisma/schema.prisma

step "Done: the project is in $DEMO"
