#!/usr/bin/env bash
# bench/rounds.sh [N]: N rounds (default 5) of `pipeline run`, the floor,
# the plain floor and the two pandas peers (row-by-row and vectorised),
# interleaved, on the set `make bench` generated (run it first;
# BENCH_SIZE, default 1M, picks the set, BENCH_THREADS and
# BENCH_MEMORY_LIMIT as make bench). One measured run per row cannot
# settle the pandas ratio on a host whose speed drifts: pandas is
# single-threaded and moves the most from run to run. Prints each round's
# wall times and ratios, then their medians; make bench runs it too
# (BENCH_ROUNDS). Exported rows are not compared here (make bench
# compares every implementation's subject_keys with the run's).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-5}
W=$ROOT/bench/work/${BENCH_SIZE:-1000000}
D=$W/data
B=$ROOT/bench/work/bin
[[ -f $D/bench.yaml && -x $B/floor && -x $B/plainfloor && -x $ROOT/bin/pipeline ]] ||
  { echo "rounds: run make bench first (it builds and generates $D)" >&2; exit 1; }
PY=python3
"$PY" -c 'import pandas' 2>/dev/null || PY=/usr/bin/python3
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "rounds: $1 failed" >&2; exit 1; }; echo $((($(date +%s%N) - s) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
r_pf=() r_pq=() r_xp=() r_vp=()
for i in $(seq "$N"); do
  rm -rf "$D/state" "$D/exports"
  p=$(cd "$D" && ms "$ROOT/bin/pipeline" run -f bench.yaml)
  f=$(ms "$B/floor" --data "$D" --out "$W/floor_exports" --title-rules "$ROOT/sql/title_rules.csv" \
    --threads "${BENCH_THREADS:-2}" --memory-limit "${BENCH_MEMORY_LIMIT:-4GB}" --temp-directory "$W/floor_tmp")
  q=$(ms "$B/plainfloor" --data "$D" --out "$W/plainfloor_exports" --rules "$ROOT/sql" --lists "$ROOT/pipeline/normalize/lists" \
    --threads "${BENCH_THREADS:-2}" --memory-limit "${BENCH_MEMORY_LIMIT:-4GB}" --temp-directory "$W/plainfloor_tmp")
  x=$(ms "$PY" "$ROOT/bench/peer/peer.py" --data "$D" --out "$W/peer_exports" --lists "$ROOT/pipeline/normalize/lists" \
    --title-rules "$ROOT/sql/title_rules.csv")
  v=$(ms "$PY" "$ROOT/bench/peer/peer_vec.py" --data "$D" --out "$W/peer_vec_exports" --lists "$ROOT/pipeline/normalize/lists" \
    --rules "$ROOT/sql")
  r_pf+=("$(ratio "$p" "$f")") r_pq+=("$(ratio "$p" "$q")") r_xp+=("$(ratio "$x" "$p")") r_vp+=("$(ratio "$v" "$p")")
  echo "round $i: pipeline $p ms, floor $f ms, plain floor $q ms, pandas $x ms, pandas vectorised $v ms;" \
    "pipeline/floor ${r_pf[-1]}, pipeline/plain floor ${r_pq[-1]}, pandas/pipeline ${r_xp[-1]}, pandas vectorised/pipeline ${r_vp[-1]}"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "medians over $N rounds: pipeline/floor $(med "${r_pf[@]}"), pipeline/plain floor $(med "${r_pq[@]}")," \
  "pandas/pipeline $(med "${r_xp[@]}"), pandas vectorised/pipeline $(med "${r_vp[@]}")"
