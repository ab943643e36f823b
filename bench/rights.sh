#!/usr/bin/env bash
# Rights latency on a generated set at two export shapes (issue 24 item 2):
#   bench  the generated pipeline.yaml (finance directors and C-level)
#   large  every department and seniority of the targeted companies: one
#          export partition (GB) of over a million rows
# For each shape: one `pipeline run` on a fresh state, then `sar --email`
# (warm-up + 3, median) and `erase --email --yes` (one run) of one exported
# subject, whole process, and what the erasure rewrote. The run's files are
# synced to disk before the SARs (a SAR racing the writeback of the 2 GB a
# 10M run has just written measures the disk, not the search). Writes
# bench/results/<date>-rights-<size>.md. Environment: BENCH_SIZE (default
# 1000000), BENCH_MEMORY_LIMIT (2GB), BENCH_THREADS (2), BENCH_RAW_BUCKETS
# (engine.raw_buckets; unset: the config's default). Run after make
# bench has generated bench/work/<size>/data (or run.sh calls it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE=${BENCH_SIZE:-1000000}
THREADS=${BENCH_THREADS:-2}
MEM=${BENCH_MEMORY_LIMIT:-2GB}
BUCKETS=${BENCH_RAW_BUCKETS:+, raw_buckets: $BENCH_RAW_BUCKETS}
DATA=$ROOT/bench/work/$SIZE/data
BIN=$ROOT/bin/pipeline
[[ -f $DATA/.done ]] || { echo "no generated set in $DATA: run make bench first" >&2; exit 1; }
RESULT=$ROOT/bench/results/$(date +%Y-%m-%d)-rights-$SIZE.md
n=1
while [[ -e $RESULT ]]; do n=$((n + 1)); RESULT=$ROOT/bench/results/$(date +%Y-%m-%d)-rights-$SIZE-$n.md; done
wall() { /usr/bin/time -f %e -o "$1.t" "${@:2}" >"$1.out" 2>"$1.err"; cat "$1.t"; }
{
  echo "# rights latency — $SIZE people, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores; DuckDB threads=$THREADS, memory_limit=$MEM${BUCKETS:+, raw_buckets=$BENCH_RAW_BUCKETS}; commit $(git -C "$ROOT" rev-parse --short HEAD)."
  echo "Commands: bench/rights.sh (BENCH_SIZE=$SIZE${BENCH_RAW_BUCKETS:+ BENCH_RAW_BUCKETS=$BENCH_RAW_BUCKETS}). Whole-process wall seconds (/usr/bin/time)."
  echo "The machine is shared: the load average is given beside each figure; under load the figures are upper bounds."
  echo
  echo "| shape | exported rows | largest partition | files | run s | sar s (median of 3) | erase s | erase rewrote | load avg |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
} >"$RESULT"
for shape in bench large; do
  W=$ROOT/bench/work/$SIZE/rights-$shape
  rm -rf "$W"; mkdir -p "$W"
  for f in "$DATA"/*.csv; do ln -s "$f" "$W/"; done
  sed -E "s/^engine: .*/engine: {threads: $THREADS, memory_limit: $MEM, temp_directory: state\/tmp$BUCKETS}/" "$DATA/pipeline.yaml" >"$W/pipeline.yaml"
  if [[ $shape == large ]]; then
    python3 - "$W/pipeline.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
roles = "  roles:\n" + "".join("    - {department: %s}\n" % d for d in
    ["executive", "finance", "sales", "marketing", "engineering", "it", "hr", "operations", "legal", "other"])
s = re.sub(r"  roles:\n(    - .*\n)+", roles, s)
open(p, "w").write(s)
PY
  fi
  cd "$W"
  run_s=$(wall run "$BIN" run -f pipeline.yaml)
  sync # the run's files written back first: the SARs below do not race its writeback
  rows=$("$BIN" query -f pipeline.yaml --format csv "SELECT count(*) FROM read_parquet('exports/acme_q1/**/*.parquet')" | tail -1)
  big=$("$BIN" query -f pipeline.yaml --format csv "SELECT max(n) FROM (SELECT count(*) n FROM read_parquet('exports/acme_q1/**/*.parquet', hive_partitioning = true) GROUP BY country)" | tail -1)
  files=$(find exports/acme_q1 -name '*.parquet' | wc -l)
  email=$("$BIN" query -f pipeline.yaml --format csv "SELECT email FROM read_parquet('exports/acme_q1/country=GB/*.parquet') ORDER BY subject_key LIMIT 1 OFFSET 7" | tail -1)
  wall sarw "$BIN" sar -f pipeline.yaml --email "$email" --format json >/dev/null
  s1=$(wall sar1 "$BIN" sar -f pipeline.yaml --email "$email" --format json)
  s2=$(wall sar2 "$BIN" sar -f pipeline.yaml --email "$email" --format json)
  s3=$(wall sar3 "$BIN" sar -f pipeline.yaml --email "$email" --format json)
  sar=$(printf '%s\n' "$s1" "$s2" "$s3" | sort -n | sed -n 2p)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  er=$(wall erase "$BIN" erase --log-format json -f pipeline.yaml --email "$email" --yes)
  what=$(grep -o 'file [^ ]*: rewritten without the subject ([0-9]* rows)' erase.out | sed "s#$W/##" | tr '\n' ' ')
  steps=$(grep -o '"step":"[a-z]*"[^}]*"took_ms":[0-9.]*' erase.err | sed -E 's/"step":"([a-z]*)".*"took_ms":([0-9.]*)/\1 \2ms/' | tr '\n' ',' )
  echo "| $shape | $rows | $big | $files | $run_s | $sar ($s1 $s2 $s3) | $er | $what | $load |" >>"$RESULT"
  echo "- $shape erase steps: $steps" >>"$RESULT.notes"
  cd "$ROOT"
done
{ echo; echo "### erase steps"; echo; cat "$RESULT.notes"; } >>"$RESULT"; rm -f "$RESULT.notes"
cat "$RESULT"
