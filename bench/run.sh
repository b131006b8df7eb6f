#!/usr/bin/env bash
# Benchmark of flow-export against psql \copy (the floor) and pandas. Run from the project root:
#   bench/run.sh [--sizes 1000000,10000000] [--runs 3] [--reload] [--skip-pandas]
# See bench/README.md for what it measures and how to read the table.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: bench/run.sh [--sizes 1000000,10000000] [--runs 3] [--reload] [--skip-pandas]
  --sizes N,...    row counts to benchmark (default 1000000,10000000)
  --runs N         timed runs per size and contender; the table shows the median (default 3)
  --reload         reload the bench_change_feed_orders_<size> tables even when their row count matches
  --skip-pandas    leave pandas out (and do not install it)
Environment: BENCH_PGHOST (127.0.0.1), BENCH_PGPORT (5432), BENCH_PGDATABASE (test), BENCH_PGUSER (postgres),
             BENCH_TMPDIR (system temp dir), JAVA (java), BENCH_PANDAS_FORCE=1 (run pandas even when
             MemAvailable looks too small for it)
USAGE
}

sizes="1000000,10000000"
runs=3
reload=false
skip_pandas=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; sizes="$2"; shift 2 ;;
        --sizes=*) sizes="${1#*=}"; shift ;;
        --runs) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; runs="$2"; shift 2 ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --reload) reload=true; shift ;;
        --skip-pandas) skip_pandas=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[[ "$sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "bench/run.sh: --sizes must be positive integers separated by commas, got '$sizes'" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --runs must be a positive integer, got '$runs'" >&2; exit 2; }
[[ -f pom.xml && -d bench ]] || { echo "bench/run.sh: run it from the project root (where pom.xml is)" >&2; exit 2; }

export PGHOST="${BENCH_PGHOST:-127.0.0.1}" PGPORT="${BENCH_PGPORT:-5432}"
export PGDATABASE="${BENCH_PGDATABASE:-test}" PGUSER="${BENCH_PGUSER:-postgres}"
JAVA="${JAVA:-java}"
PY=/usr/bin/python3   # Debian's python: the apt packages below install into it, not into a pyenv python
JAR=target/flow-export.jar
SQL=bench/change_feed_orders.sql

log() { echo "bench: $*" >&2; }

for tool in psql "$JAVA" mvn "$PY" /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: '$tool' not found" >&2; exit 1; }
done

# 1. Python packages (pandas contender only) and the jar.
if [[ "$skip_pandas" == false ]] && ! "$PY" -c 'import pandas, psycopg2' 2>/dev/null; then
    log "installing python3-pandas python3-psycopg2 (apt)"
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pandas python3-psycopg2 >/dev/null
    "$PY" -c 'import pandas, psycopg2'
fi
if [[ ! -f "$JAR" ]] || [[ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]]; then
    log "building $JAR (mvn -B -q -DskipTests package)"
    mvn -B -q -DskipTests package
fi

# 2. Datasets: bench_change_feed_orders_<size>, loaded unless a table with exactly <size> rows exists.
psql -X -q -tAc 'SELECT 1' >/dev/null || { echo "bench/run.sh: cannot reach PostgreSQL at $PGHOST:$PGPORT db $PGDATABASE as $PGUSER" >&2; exit 1; }
IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
    table="bench_change_feed_orders_${size}"
    count=""
    if [[ "$(psql -X -tAc "SELECT to_regclass('public.${table}') IS NOT NULL")" == t ]]; then
        count="$(psql -X -tAc "SELECT count(*) FROM public.${table}")"
    fi
    if [[ "$reload" == true || "$count" != "$size" ]]; then
        log "loading ${table} (${size} rows)"
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -v rows="$size" -v table="$table" -f "$SQL" >/dev/null
    else
        log "${table} has ${size} rows already; not reloaded"
    fi
done

# 3-5. Flows, timed runs, table: bench/bench.py.
work="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/flow-export-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=(--sizes "$sizes" --runs "$runs" --work "$work" --jar "$JAR" --java "$JAVA")
[[ "$skip_pandas" == true ]] && args+=(--skip-pandas)
"$PY" bench/bench.py "${args[@]}"
