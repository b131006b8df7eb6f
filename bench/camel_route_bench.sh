#!/usr/bin/env bash
# The idiomatic Camel export (camel-jdbc StreamList + marshal csv / json) against flow-export's own path, in one
# warm JVM, on the benchmark table (bench/change_feed_orders.sql) in PostgreSQL. Run from the project root:
#   bench/camel_route_bench.sh [rows (1000000)] [runs (3)]
# PostgreSQL on 127.0.0.1:5432, database test, user postgres, trust (-Dbench.url / -Dbench.user in JAVA_OPTS).
# The table goes to schema fe_camel_route_bench. Prints a Markdown table on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile >&2
mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
exec "${JAVA:-java}" -Xmx256m ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    io.flowexport.bench.CamelRouteBench "$@"
