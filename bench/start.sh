#!/usr/bin/env bash
# Start time of flow-export (bench/README.md, "Start time"): whole-process wall time of --help, of run-once of a
# demo flow, of `run` until GET /status answers, and of `run` after a SIGKILL of the previous runner, each with
# plain `java -jar` and with the launcher bin/flow-export (which adds the class data sharing archive).
#   bench/start.sh [--runs N (10)] [--only 1,2,3,4] [--way LABEL=COMMAND ...] [--no-save]
# Builds the jar (and its archive) when it is missing or older than src/ or pom.xml. Needs no database server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/flow-export.jar ] || [ -n "$(find src pom.xml -newer target/flow-export.jar -print -quit)" ]; then
  echo "start: building target/flow-export.jar" >&2
  mvn -q -B -DskipTests package >&2
fi
exec /usr/bin/python3 bench/start.py "$@"
