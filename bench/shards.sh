#!/usr/bin/env bash
# One process against 2 shards on this machine (issue 24 item 3;
# docs/sharding.md): the same generated set run as one `pipeline run`
# with BENCH_THREADS threads, then as `pipeline run --shard 0/2` and
# `--shard 1/2` at once with half the threads and half the memory each
# (the same cores in total), then `pipeline commit-run`. Whole-process
# wall seconds; the exported rows of both must be equal. Writes
# bench/results/<date>-shards-<size>.md. Environment: BENCH_SIZE (default
# 1000000), BENCH_MEMORY_LIMIT (2GB; each shard gets
# BENCH_SHARD_MEMORY_LIMIT, default 1GB), BENCH_THREADS (2), BENCH_SEED (the
# generated set's seed, 1). The set is generated into
# bench/work/<size>/data when missing (as make bench does).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE=${BENCH_SIZE:-1000000}
THREADS=${BENCH_THREADS:-2}
MEM=${BENCH_MEMORY_LIMIT:-2GB}
SHARD_MEM=${BENCH_SHARD_MEMORY_LIMIT:-1GB}
SEED=${BENCH_SEED:-1}
SHARD_THREADS=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 ))
DATA=$ROOT/bench/work/$SIZE/data
BIN=$ROOT/bin/pipeline
cd "$ROOT"
[[ -x $BIN ]] || make -s build >&2
if [[ ! -f $DATA/.done ]]; then
  rm -rf "$DATA"; mkdir -p "$DATA"
  go run ./fixtures/cmd/genfixtures --people "$SIZE" --seed "$SEED" --out "$DATA" >&2
  echo "seed=$SEED" >"$DATA/.done"
fi
RESULT=$ROOT/bench/results/$(date +%Y-%m-%d)-shards-$SIZE.md
n=1
while [[ -e $RESULT ]]; do n=$((n + 1)); RESULT=$ROOT/bench/results/$(date +%Y-%m-%d)-shards-$SIZE-$n.md; done

# workspace NAME THREADS MEMORY: a fresh folder with the set and its config
workspace() {
  local w=$ROOT/bench/work/$SIZE/shards-$1
  rm -rf "$w"; mkdir -p "$w"
  for f in "$DATA"/*.csv; do ln -s "$f" "$w/"; done
  sed -E "s/^engine: .*/engine: {threads: $2, memory_limit: $3, temp_directory: state\/tmp}/" "$DATA/pipeline.yaml" >"$w/pipeline.yaml"
  echo "$w"
}
now() { date +%s.%N; }
# rows of the export, from its manifest (a sharded project has no
# unsharded warehouse for pipeline query)
rows() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$1/exports/acme_q1/_manifest.json"; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)

W1=$(workspace one "$THREADS" "$MEM")
t0=$(now)
"$BIN" run -f "$W1/pipeline.yaml" --log-format json >"$W1/run.out" 2>"$W1/run.err"
t1=$(now)
one=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)")
rows1=$(rows "$W1")

W2=$(workspace two "$SHARD_THREADS" "$SHARD_MEM")
t0=$(now)
"$BIN" run -f "$W2/pipeline.yaml" --shard 0/2 --run-id bench --log-format json >"$W2/s0.out" 2>"$W2/s0.err" & p0=$!
"$BIN" run -f "$W2/pipeline.yaml" --shard 1/2 --run-id bench --log-format json >"$W2/s1.out" 2>"$W2/s1.err" & p1=$!
wait $p0; wait $p1
t1=$(now)
"$BIN" commit-run bench -f "$W2/pipeline.yaml" >"$W2/commit.out"
t2=$(now)
shards=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)"); commit=$(printf "%.2f" "$(echo "$t2 - $t1" | bc)"); total=$(printf "%.2f" "$(echo "$t2 - $t0" | bc)")
rows2=$(rows "$W2")
[[ $rows1 == "$rows2" ]] || { echo "exported rows differ: one process $rows1, 2 shards $rows2" >&2; exit 1; }
load1=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# one process vs 2 shards — $SIZE people, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores; commit $(git -C "$ROOT" rev-parse --short HEAD). Commands: bench/shards.sh (BENCH_SIZE=$SIZE)."
  echo "One process: threads=$THREADS, memory_limit=$MEM. Two shards at once: threads=$SHARD_THREADS, memory_limit=$SHARD_MEM each."
  echo "Wall seconds of the whole processes. The machine is shared: load averages before and after are given; under load the figures are upper bounds."
  echo
  echo "| | wall s | exported rows |"
  echo "|---|---:|---:|"
  echo "| 1 process | $one | $rows1 |"
  echo "| 2 shards (both, at once) | $shards | $rows2 |"
  echo "| commit-run | $commit | |"
  echo "| 2 shards + commit | $total | |"
  echo
  echo "Overhead of sharding on one machine: $(awk -v a="$total" -v b="$one" 'BEGIN{printf "%.2f", a/b}')× the single process."
  echo "Load average before: $load0; after: $load1."
} >"$RESULT"
cat "$RESULT"
