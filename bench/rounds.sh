#!/usr/bin/env bash
# bench/rounds.sh [N]: N rounds (default 5) of `pipeline run`, the floor and
# the pandas peer, interleaved, on the set `make bench` generated (run it
# first; BENCH_SIZE, default 1M, picks the set, BENCH_THREADS and
# BENCH_MEMORY_LIMIT as make bench). One measured run per row cannot
# settle the pandas ratio on a host whose speed drifts: pandas is
# single-threaded and moves the most from run to run. Prints each round's
# wall times and ratios, then their medians; make bench runs it too
# (BENCH_ROUNDS). Exported row counts are not checked here (make bench
# does).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-5}
W=$ROOT/bench/work/${BENCH_SIZE:-1000000}
D=$W/data
[[ -f $D/bench.yaml && -x $ROOT/bench/work/bin/floor && -x $ROOT/bin/pipeline ]] ||
  { echo "rounds: run make bench first (it builds and generates $D)" >&2; exit 1; }
PY=python3
"$PY" -c 'import pandas' 2>/dev/null || PY=/usr/bin/python3
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "rounds: $1 failed" >&2; exit 1; }; echo $((($(date +%s%N) - s) / 1000000)); }
ratios_pf=() ratios_xp=()
for i in $(seq "$N"); do
  rm -rf "$D/state" "$D/exports"
  p=$(cd "$D" && ms "$ROOT/bin/pipeline" run -f bench.yaml)
  f=$(ms "$ROOT/bench/work/bin/floor" --data "$D" --out "$W/floor_exports" --title-rules "$ROOT/sql/title_rules.csv" \
    --threads "${BENCH_THREADS:-2}" --memory-limit "${BENCH_MEMORY_LIMIT:-4GB}" --temp-directory "$W/floor_tmp")
  x=$(ms "$PY" "$ROOT/bench/peer/peer.py" --data "$D" --out "$W/peer_exports" --lists "$ROOT/pipeline/normalize/lists" \
    --title-rules "$ROOT/sql/title_rules.csv")
  pf=$(awk -v a="$p" -v b="$f" 'BEGIN{printf "%.2f", a/b}')
  xp=$(awk -v a="$x" -v b="$p" 'BEGIN{printf "%.2f", a/b}')
  ratios_pf+=("$pf") ratios_xp+=("$xp")
  echo "round $i: pipeline $p ms, floor $f ms, pandas $x ms; pipeline/floor $pf, pandas/pipeline $xp"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "median pipeline/floor $(med "${ratios_pf[@]}"), median pandas/pipeline $(med "${ratios_xp[@]}") over $N rounds"
