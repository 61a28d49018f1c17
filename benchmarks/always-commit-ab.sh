#!/bin/bash
# The appendfsync always commit, A/B/C: Vellum with the commit journal (the default), Vellum with
# the msync commit (-Dvellum.aof.commitJournal=false) and redis-server, all three up at once and
# measured one after the other in each round, so that the machine's state of the moment (a shared
# disk's latency drifts within minutes) hits the three alike. Prints each round's SET/s per server;
# take the medians.
#
#   benchmarks/always-commit-ab.sh [rounds (8)] [pipeline (1)] [requests (60000)]
#
# Ports 7401-7403; data in /tmp/always-ab-{journal,msync,redis}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-8}
P=${2:-1}
N=${3:-60000}
J=/tmp/always-ab-journal M=/tmp/always-ab-msync R=/tmp/always-ab-redis
rm -rf "$J" "$M" "$R"; mkdir -p "$J" "$M" "$R"
./vellum server --port 7401 --dir "$J" --appendonly yes --appendfsync always --save "" > "$J.log" 2>&1 &
VELLUM_JAVA_OPTS=-Dvellum.aof.commitJournal=false ./vellum server --port 7402 --dir "$M" \
  --appendonly yes --appendfsync always --save "" > "$M.log" 2>&1 &
(cd "$R" && exec redis-server --port 7403 --appendonly yes --appendfsync always --save "" > "$R.log" 2>&1) &
trap 'redis-cli -p 7401 shutdown nosave >/dev/null 2>&1; redis-cli -p 7402 shutdown nosave >/dev/null 2>&1; redis-cli -p 7403 shutdown nosave >/dev/null 2>&1 || true' EXIT
for p in 7401 7402 7403; do
  until redis-cli -p $p ping >/dev/null 2>&1; do sleep 0.2; done
done
# warm-up: JIT (Vellum) and page cache (both), at -P 16 and at the measured depth
for p in 7401 7402 7403; do
  redis-benchmark -p $p -c 50 -n 500000 -P 16 -r 100000 -t set -q > /dev/null
  redis-benchmark -p $p -c 50 -n 200000 -P "$P" -r 100000 -t set -q > /dev/null
done
echo "SET -c 50 -P $P -n $N, appendfsync always: journal (7401), msync (7402), redis (7403)"
for round in $(seq 1 "$ROUNDS"); do
  line="round $round"
  for p in 7401 7402 7403; do
    r=$(redis-benchmark -p $p -c 50 -n "$N" -P "$P" -r 100000 -t set --csv | tail -1 | cut -d, -f2 | tr -d '"')
    line="$line $p=$r"
  done
  echo "$line"
done
