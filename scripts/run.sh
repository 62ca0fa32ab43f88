#!/usr/bin/env bash
# Set up, migrate, seed the demo district, and serve on http://127.0.0.1:8000 (SQLite in ./var).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/choucha migrate
.venv/bin/choucha demo
exec .venv/bin/choucha serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
