#!/usr/bin/env bash
# The local workflow of the migration guide (database-migration-workflow.md), end to end, in a
# fresh demo/ folder: every command is printed before it runs, nothing prompts, and the script
# exits non-zero as soon as a step fails. Run through `make demo` (which creates .venv and puts
# .venv/bin on PATH), or directly with schemashift on PATH. DEMO_PROVIDER=sqlite|postgresql|mysql
# and DEMO_DATABASE_URL choose the database (default: SQLite in demo/prisma/dev.db, which needs no
# server); DEMO_DIR another folder. The staging deploy (step 10) runs on SQLite only.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="${DEMO_DIR:-$ROOT/demo}"
PROVIDER="${DEMO_PROVIDER:-sqlite}"
export SCHEMASHIFT_NON_INTERACTIVE=1

if [ -t 1 ]; then BOLD=$'\033[1m' DIM=$'\033[2m' RESET=$'\033[0m'; else BOLD='' DIM='' RESET=''; fi
step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$RESET"; }
LAST=''
run() { LAST="$*"; printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; "$@"; LAST=""; }
# run_env NAME=VALUE... command...: a command with extra environment variables, shown as typed.
run_env() { LAST="$*"; printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; env "$@"; LAST=""; }
expect_failure() {
    printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"
    if "$@"; then echo "demo: expected '$*' to fail" >&2; exit 1; fi
}
trap 'status=$?; [ $status -eq 0 ] || printf "\ndemo: FAILED (exit %s) at: %s\n" "$status" "${LAST:-$BASH_COMMAND}" >&2' EXIT

command -v schemashift >/dev/null || { echo "schemashift is not on PATH: run 'make demo'" >&2; exit 1; }

rm -rf "$DEMO"
mkdir -p "$DEMO"
cd "$DEMO"
printf 'demo folder: %s\n' "$DEMO"

step "1. Start a project"
if [ -n "${DEMO_DATABASE_URL:-}" ]; then
    run schemashift init --datasource-provider "$PROVIDER" --url "$DEMO_DATABASE_URL"
else
    run schemashift init --datasource-provider "$PROVIDER"
fi

step "2. The schema: init wrote the guide's User model (and prisma/seed.py for it)"
run cat prisma/schema.prisma
run schemashift validate
run schemashift format --check

step "3. Generate the first migration and apply it (migrate dev), then seed (twice: it upserts)"
run schemashift migrate dev --name init
run cat prisma/migrations/*_init/migration.sql
run schemashift db seed
run schemashift db seed

step "4. Example: adding a new field (the guide's firstName)"
printf '%s$ sed -i '\''s|email     String   @unique|&\\n  firstName String?|'\'' prisma/schema.prisma%s\n' "$DIM" "$RESET"
sed -i.bak 's|^  email     String   @unique$|&\n  firstName String?|' prisma/schema.prisma
rm prisma/schema.prisma.bak
grep -q '^  firstName String?$' prisma/schema.prisma || { echo "demo: the firstName field was not added" >&2; exit 1; }
run schemashift format
run tail -n 6 prisma/schema.prisma
run schemashift migrate dev --name add_user_first_name

step "5. Review the migration SQL"
run cat prisma/migrations/*_add_user_first_name/migration.sql

step "6. Migration status"
run schemashift migrate status

step "7. What the migrations produce vs. the schema (no drift: an empty script)"
if [ "$PROVIDER" = sqlite ]; then
    run schemashift migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma --script
else
    echo "(skipped: migrate diff --from-migrations needs a --shadow-database-url on $PROVIDER)"
fi

step "8. Rolling back: what the newest migration's down script would run (dry run)"
run schemashift migrate rollback --dry-run

step "9. Back up the development database"
run schemashift backup create

step "10. Production workflow: migrate deploy applies only what is pending (a second database)"
if [ "$PROVIDER" = sqlite ]; then
    run_env DATABASE_URL=file:./staging.db schemashift migrate deploy
    run_env DATABASE_URL=file:./staging.db schemashift migrate status
    run ls prisma
else
    echo "(skipped: the staging deploy of the demo uses a second SQLite file)"
fi

step "11. Mistakes are reported with their place in the file"
sed -i.bak 's/createdAt DateTime/createdAt DateTim/' prisma/schema.prisma
expect_failure schemashift validate
mv prisma/schema.prisma.bak prisma/schema.prisma

step "Done: every step succeeded; the project is in $DEMO"
