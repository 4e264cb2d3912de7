#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs Python packages, Debian's chromium
# (for the browser tests), node/npm and PostgreSQL if missing, lints and tests the canvas's
# JavaScript (npm ci, eslint, node --test), builds the manual (mkdocs build --strict), starts a
# throw-away PostgreSQL server, runs pytest, and stops the server again. Extra arguments go to
# pytest. Nothing may be skipped here (QUALCODE_TEST_STRICT=1 fails the run on a skip): what a
# test needs is installed above it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian chromium for the browser tests…"
  apt_install chromium || echo "warning: could not install chromium" >&2
fi

if ! { command -v Rscript >/dev/null && Rscript -e 'library(vegan)' >/dev/null 2>&1; }; then
  echo "installing R's vegan (reference values of the saturation estimators)…"
  apt_install r-cran-vegan || echo "warning: could not install r-cran-vegan" >&2
fi

# spoken test recordings (tests/recordings.py): espeak-ng speaks, sox times and converts
if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null; then
  echo "installing espeak-ng and sox for the recording tests…"
  apt_install espeak-ng sox libsox-fmt-all || echo "warning: could not install espeak-ng/sox" >&2
fi
# a short test video (tests/recordings.py video): ffmpeg encodes a .webm
if ! command -v ffmpeg >/dev/null; then
  echo "installing ffmpeg for the video test…"
  apt_install ffmpeg || echo "warning: could not install ffmpeg" >&2
fi

if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then
  echo "installing LibreOffice (headless) and poppler for the Word rendering checks…"
  apt_install libreoffice-writer-nogui poppler-utils || echo "warning: could not install libreoffice/poppler" >&2
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then
  echo "installing PostgreSQL…"
  apt_install postgresql || echo "warning: could not install PostgreSQL" >&2
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi

pg_dir=
stop_pg() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -z "$pg_dir" ] || rm -rf "$pg_dir"
}
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap stop_pg EXIT

if [ -n "$pg_bin" ]; then
  pg_dir=$(mktemp -d /tmp/qualcode-pg.XXXXXX)
  [ "$(id -u)" != 0 ] || chown postgres "$pg_dir"
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U qualcode -A trust -E UTF8 --no-locale >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U qualcode qualcode_test
  export QUALCODE_TEST_PG_URL="postgresql+psycopg://qualcode@127.0.0.1:$port/qualcode_test"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port"
else
  echo "warning: no PostgreSQL; its test variants will be skipped" >&2
fi

# the coding canvas's and the network view's front-end files: ESLint, then node's test runner
if ! command -v npm >/dev/null; then
  echo "installing node and npm for the canvas's JavaScript checks…"
  apt_install nodejs npm || echo "warning: could not install nodejs/npm" >&2
fi
npm ci --no-audit --no-fund --silent
npx --no-install eslint qualcode/ui/canvas qualcode/ui/network qualcode/ui/session tests/js \
    eslint.config.js
node --test tests/js/

# the manual (docs/, mkdocs.yml): every page in the nav, every link and anchor found, the CLI
# reference current (tests/test_docs.py checks the same inside pytest, so it is counted)
site_dir=$(mktemp -d /tmp/qualcode-site.XXXXXX)
NO_MKDOCS_2_WARNING=1 .venv/bin/python -m mkdocs build --strict --quiet --site-dir "$site_dir"
rm -rf "$site_dir"
.venv/bin/python docs/gen_cli.py --check

export QUALCODE_TEST_STRICT=1
.venv/bin/python -m pytest "$@"
