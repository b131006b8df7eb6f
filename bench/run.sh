#!/usr/bin/env bash
# Benchmark of flow-export against psql \copy (the floor) and pandas. Run from the project root:
#   bench/run.sh [--sizes 1000000,10000000] [--runs 3] [--reload] [--skip-pandas] [--skip-indexed]
# See bench/README.md for what it measures and how to read the table.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: bench/run.sh [--sizes 1000000,10000000] [--runs 3] [--reload] [--skip-pandas] [--skip-indexed]
  --sizes N,...    row counts to benchmark (default 1000000,10000000)
  --runs N         timed runs per size and contender; the table shows the median (default 3)
  --reload         reload the bench_change_feed_orders_<size> tables (and their _ix copies) even when their
                   row count matches
  --skip-pandas    leave pandas out (and do not install it)
  --skip-indexed   leave out the copies bench_change_feed_orders_<size>_ix with an index on
                   (xt_batch_id, order_id): neither made nor timed
Environment: BENCH_PGHOST (127.0.0.1), BENCH_PGPORT (5432), BENCH_PGDATABASE (test), BENCH_PGUSER (postgres),
             BENCH_TMPDIR (system temp dir), JAVA (java), BENCH_PANDAS_FORCE=1 (run pandas even when
             MemAvailable looks too small for it)
USAGE
}

sizes="1000000,10000000"
runs=3
reload=false
skip_pandas=false
skip_indexed=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; sizes="$2"; shift 2 ;;
        --sizes=*) sizes="${1#*=}"; shift ;;
        --runs) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; runs="$2"; shift 2 ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --reload) reload=true; shift ;;
        --skip-pandas) skip_pandas=true; shift ;;
        --skip-indexed) skip_indexed=true; shift ;;
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

# 2. Datasets: bench_change_feed_orders_<size>, loaded unless a table with exactly <size> rows exists; and its
#    copy <table>_ix (same rows in the same order, same columns and NOT NULLs, same primary key and xt_batch_id
#    index, plus an index on (xt_batch_id, order_id)), made unless it exists with <size> rows.
psql -X -q -tAc 'SELECT 1' >/dev/null || { echo "bench/run.sh: cannot reach PostgreSQL at $PGHOST:$PGPORT db $PGDATABASE as $PGUSER" >&2; exit 1; }
rows_of() {  # the row count of public.$1, or nothing when the table does not exist
    if [[ "$(psql -X -tAc "SELECT to_regclass('public.$1') IS NOT NULL")" == t ]]; then
        psql -X -tAc "SELECT count(*) FROM public.$1"
    fi
}
IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
    table="bench_change_feed_orders_${size}"
    loaded=false
    if [[ "$reload" == true || "$(rows_of "$table")" != "$size" ]]; then
        log "loading ${table} (${size} rows)"
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -v rows="$size" -v table="$table" -f "$SQL" >/dev/null
        loaded=true
    else
        log "${table} has ${size} rows already; not reloaded"
    fi
    [[ "$skip_indexed" == true ]] && continue
    if [[ "$loaded" == true || "$(rows_of "${table}_ix")" != "$size" ]]; then
        log "copying ${table} to ${table}_ix with an index on (xt_batch_id, order_id)"
        # LIKE keeps the NOT NULLs (CREATE TABLE AS would not, and flow-export's Parquet schema follows them);
        # the rows go in in the plain table's physical order; indexes are built after the load
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
DROP TABLE IF EXISTS public.${table}_ix;
CREATE TABLE public.${table}_ix (LIKE public.${table});
INSERT INTO public.${table}_ix TABLE public.${table};
ALTER TABLE public.${table}_ix ADD PRIMARY KEY (order_id);
CREATE INDEX ON public.${table}_ix (xt_batch_id);
CREATE INDEX ON public.${table}_ix (xt_batch_id, order_id);
ANALYZE public.${table}_ix;
SQL
    else
        log "${table}_ix has ${size} rows already; not copied again"
    fi
done

# 3-5. Flows, timed runs, table: bench/bench.py.
work="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/flow-export-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=(--sizes "$sizes" --runs "$runs" --work "$work" --jar "$JAR" --java "$JAVA")
[[ "$skip_pandas" == true ]] && args+=(--skip-pandas)
[[ "$skip_indexed" == true ]] && args+=(--skip-indexed)
"$PY" bench/bench.py "${args[@]}"
