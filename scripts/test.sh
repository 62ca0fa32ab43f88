#!/usr/bin/env bash
# Set up and run the whole suite: unit tests, integration tests on SQLite, then on PostgreSQL.
# PostgreSQL: CHOUCHA_TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/choucha_test.
# Without a reachable server the PostgreSQL pass is reported as not run (and fails under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
if ! command -v node >/dev/null; then
  echo "The forms tests run the field app's evaluator under Node.js: apt-get install nodejs" >&2
  exit 1
fi
# The field app's test-only Node packages (fake-indexeddb, axe-core), pinned by their lock file.
if command -v npm >/dev/null; then
  npm ci --prefix tests/unit/pwa --no-audit --no-fund --silent || npm install --prefix tests/unit/pwa --no-audit --no-fund --silent
fi
[ -x "${CHOUCHA_CHROMIUM:-/usr/bin/chromium}" ] || echo "Chromium missing: the end-to-end tests skip (apt-get install -y chromium)" >&2
PG_URL=${CHOUCHA_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/choucha_test}
unset CHOUCHA_TEST_DATABASE_URL CHOUCHA_DATABASE_URL CHOUCHA_DATA_DIR

echo "== unit and integration tests on SQLite =="
.venv/bin/python -m pytest tests "$@"

echo "== integration tests on PostgreSQL ($PG_URL) =="
if .venv/bin/python - "$PG_URL" <<'PY'
import asyncio, sys
import asyncpg
from backend.db.engine import postgres_config
cfg = postgres_config(sys.argv[1]); cfg["database"] = "postgres"
async def main():
    conn = await asyncpg.connect(**cfg, timeout=5)
    await conn.close()
try:
    asyncio.run(main())
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  CHOUCHA_TEST_DATABASE_URL=$PG_URL .venv/bin/python -m pytest tests/integration "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required in CI" >&2
  exit 1
else
  echo "PostgreSQL pass NOT RUN: start a server or set CHOUCHA_TEST_DATABASE_URL" >&2
fi
