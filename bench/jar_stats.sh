#!/usr/bin/env bash
# Size, entry count and start time of packaged jars, for README's figures. Run from the project root after
# `mvn -q -DskipTests package`:
#   bench/jar_stats.sh [runs (11)] [JAR...]        (default JAR: target/flow-export.jar)
# Start time: wall-clock seconds of `java -jar JAR --version` (the JVM opening the jar and the command line,
# no database), median of the runs; several jars are timed in turns, so load on the machine hits them alike.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}; shift || true
jars=("$@"); [ ${#jars[@]} -eq 0 ] && jars=(target/flow-export.jar)
declare -A times
for ((i = 0; i < runs; i++)); do
  for jar in "${jars[@]}"; do
    s=$(date +%s.%N); java -jar "$jar" --version > /dev/null; e=$(date +%s.%N)
    times[$jar]+="$(echo "$e - $s" | bc) "
  done
done
echo "| jar | bytes | entries | --version, median of $runs (s) |"
echo "|---|---|---|---|"
for jar in "${jars[@]}"; do
  median=$(echo ${times[$jar]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
  echo "| $jar | $(stat -c %s "$jar") | $(unzip -Z1 "$jar" | wc -l) | $median |"
done
