#!/usr/bin/env bash
# The local workflow of docs (database-migration-workflow.md) in a fresh demo/ folder, step by step.
# Run through `make demo` (which puts .venv/bin on PATH), or directly with schemashift on PATH.
# DEMO_PROVIDER=sqlite|postgresql|mysql and DEMO_DATABASE_URL choose the database (default: SQLite,
# which needs no server).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="$ROOT/demo"
PROVIDER="${DEMO_PROVIDER:-sqlite}"

if [ -t 1 ]; then BOLD=$'\033[1m' DIM=$'\033[2m' RESET=$'\033[0m'; else BOLD='' DIM='' RESET=''; fi
step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$RESET"; }
run() { printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; "$@"; }

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
run cat prisma/schema.prisma

step "2. Make schema changes in prisma/schema.prisma (the guide's User model)"
cat >> prisma/schema.prisma <<'PRISMA'

model User {
  id        String   @id @default(cuid())
  email     String   @unique
  // New field
  firstName String?  // Add this
  createdAt DateTime @default(now())
}
PRISMA
run tail -n 8 prisma/schema.prisma

step "3. Validate the schema"
run schemashift validate

step "4. Check the formatting, format, check again"
if ! run schemashift format --check; then
    run schemashift format
    run schemashift format --check
fi

step "5. A mistake is reported with its place in the file"
sed -i.bak 's/createdAt DateTime/createdAt DateTim/' prisma/schema.prisma
if run schemashift validate; then
    echo "expected the invalid schema to be rejected" >&2
    exit 1
fi
mv prisma/schema.prisma.bak prisma/schema.prisma

step "Done: the project is in demo/"
