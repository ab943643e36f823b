#!/usr/bin/env bash
# make bench: pipeline run vs two floors (one DuckDB script with the
# engine's pl_* functions; one with built-in functions only) vs two pandas
# peers (row-by-row normalisers; vectorised), plus suppression import,
# SAR/erasure and the plugin streaming rate. Every implementation must
# export the same subject_keys as the run, or the bench fails.
# See bench/README.md. Environment:
#   BENCH_SIZE          people in the generated set (default 1000000)
#   BENCH_SEED          generator seed (default 1)
#   BENCH_MEMORY_LIMIT  engine.memory_limit for pipeline and floor
#                       (default 4GB; 2GB from 10M people on)
#   BENCH_THREADS       DuckDB threads (default 2)
#   BENCH_SKIP          space-separated parts to skip: peer stream privacy rights shards
#   BENCH_ROUNDS        interleaved rounds of run, floor and pandas after
#                       the measured runs (bench/rounds.sh; default 3,
#                       only where the peer runs; 0 for none)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SIZE=${BENCH_SIZE:-1000000}
SEED=${BENCH_SEED:-1}
THREADS=${BENCH_THREADS:-2}
if [[ -z ${BENCH_MEMORY_LIMIT:-} ]]; then
  if (( SIZE >= 10000000 )); then BENCH_MEMORY_LIMIT=2GB; else BENCH_MEMORY_LIMIT=4GB; fi
fi
SKIP=" ${BENCH_SKIP:-} "
WORK=$ROOT/bench/work/$SIZE
DATA=$WORK/data
BIN=$ROOT/bench/work/bin
DATE=$(date +%Y-%m-%d)
RESULT=$ROOT/bench/results/$DATE-$SIZE.md
# a later bench the same day keeps the earlier one: -2, -3, ...
n=1
while [[ -e $RESULT ]]; do n=$((n + 1)); RESULT=$ROOT/bench/results/$DATE-$SIZE-$n.md; done

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FAIL: %s\n' "$*" >&2; exit 1; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# --- tools -----------------------------------------------------------------
apt_updated=
apt_install() {
  [[ -n $apt_updated ]] || { apt-get update -qq >&2; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
[[ -x /usr/bin/time ]] || { log "installing time"; apt_install time; }
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import pandas' 2>/dev/null; then PY=$p; break; fi
done
if [[ -z $PY ]]; then
  log "installing python3-pandas"
  apt_install python3-pandas
  PY=/usr/bin/python3
  "$PY" -c 'import pandas' || die "python3-pandas installed but pandas does not import"
fi

# --- build -----------------------------------------------------------------
if [[ -z ${MAKELEVEL:-} || ! -x bin/pipeline ]]; then make -s build >&2; fi
mkdir -p "$BIN"
go build -tags duckdb_arrow -o "$BIN/floor" ./bench/floor
go build -tags duckdb_arrow -o "$BIN/plainfloor" ./bench/plainfloor
go build -tags duckdb_arrow -o "$BIN/keys" ./bench/keys
go build -tags duckdb_arrow -o "$BIN/stream" ./bench/stream
CGO_ENABLED=0 go build -o "$ROOT/bin/pipeline-connector-benchparquet" ./bench/pipeline-connector-benchparquet

# --- data (cached by size and seed) -----------------------------------------
if [[ ! -f $DATA/.done || $(cat "$DATA/.done") != "seed=$SEED" ]]; then
  log "generating $SIZE people (seed $SEED) into $DATA"
  rm -rf "$DATA"; mkdir -p "$DATA"
  go run ./fixtures/cmd/genfixtures --people "$SIZE" --seed "$SEED" --out "$DATA" >&2
  echo "seed=$SEED" >"$DATA/.done"
fi
# The generated config with the bench's engine settings.
sed -E "s/^engine: .*/engine: {threads: $THREADS, memory_limit: $BENCH_MEMORY_LIMIT, temp_directory: state\/tmp}/" \
  "$DATA/pipeline.yaml" >"$DATA/bench.yaml"
grep -q "memory_limit: $BENCH_MEMORY_LIMIT" "$DATA/bench.yaml" || die "could not set engine settings in bench.yaml"

# --- measuring -------------------------------------------------------------
# measure NAME CMD...: one process under /usr/bin/time -v; stdout to
# $WORK/NAME.out, stderr to NAME.err; sets WALL (s) and RSS (MiB).
measure() {
  local name=$1; shift
  if ! /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    tail -20 "$WORK/$name.err" >&2
    die "$name failed (log: $WORK/$name.err)"
  fi
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$name.time")
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/$name.time")
}
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
ROWS=()   # "impl|wall|rss|exported"
NOTES=()
MISMATCH=()   # implementations whose exported subject_keys differ from the run's

# same_rows NAME DIR: the sorted subject_keys exported under DIR against
# the measured run's; a difference is reported (counts only, no keys) and
# fails the bench after the report is written.
same_rows() {
  local name=$1 dir=$2 keys=$WORK/keys-${1// /_}.txt
  "$BIN/keys" "$dir" | LC_ALL=C sort >"$keys" || die "$name: could not read the exported subject_keys under $dir"
  if cmp -s "$WORK/keys-pipeline.txt" "$keys"; then
    NOTES+=("$name: the same $(wc -l <"$keys") subject_keys as pipeline run")
  else
    local only_p only_x
    only_p=$(LC_ALL=C comm -23 "$WORK/keys-pipeline.txt" "$keys" | wc -l)
    only_x=$(LC_ALL=C comm -13 "$WORK/keys-pipeline.txt" "$keys" | wc -l)
    NOTES+=("**$name exports different rows**: $only_p subject_keys only in pipeline run, $only_x only in $name, $(( $(wc -l <"$keys") - $(sort -u "$keys" | wc -l) )) duplicated (lists: $WORK/keys-*.txt)")
    MISMATCH+=("$name")
  fi
}

run_pipeline() {
  rm -rf "$DATA/state" "$DATA/exports"
  measure "$1" "$ROOT/bin/pipeline" run -f "$DATA/bench.yaml" --format json --log-format json
}
warehouse_mib() { awk '{printf "%.0f", $1/1048576}' <<<"$(stat -c %s "$DATA/state/warehouse.duckdb")"; }
raw_mib() { du -sm "$DATA/state/warehouse.duckdb.raw" | cut -f1; }
log "pipeline run: warm-up"; run_pipeline pipeline-warmup
# the same job with engine.raw_compression: small (the raw Parquet files
# zstd-compressed; the default, fast, writes them uncompressed)
sed -E "s/^engine: \{/engine: {raw_compression: small, /" "$DATA/bench.yaml" >"$DATA/bench-small.yaml"
grep -q "raw_compression: small" "$DATA/bench-small.yaml" || die "could not set raw_compression in bench-small.yaml"
log "pipeline run (raw_compression: small): measured"
rm -rf "$DATA/state" "$DATA/exports"
measure pipeline-small "$ROOT/bin/pipeline" run -f "$DATA/bench-small.yaml" --format json --log-format json
SMALL_ROW="pipeline run, engine.raw_compression: small|$WALL|$RSS|$(json "$WORK/pipeline-small.out" "sum(e['rows'] for e in d['exports'])")"
SMALL_MIB="$(warehouse_mib) MiB warehouse file + $(raw_mib) MiB raw files"
log "pipeline run: measured"; run_pipeline pipeline
P_EXPORTED=$(json "$WORK/pipeline.out" "sum(e['rows'] for e in d['exports'])")
ROWS+=("pipeline run|$WALL|$RSS|$P_EXPORTED" "$SMALL_ROW")
[[ ${SMALL_ROW##*|} == "$P_EXPORTED" ]] || die "row counts differ: raw_compression fast exported $P_EXPORTED, small ${SMALL_ROW##*|}"
NOTES+=("on disk after one run: $(warehouse_mib) MiB warehouse file + $(raw_mib) MiB raw files with raw_compression fast (the default); $SMALL_MIB with small")
cp "$WORK/pipeline.out" "$WORK/pipeline-report.json"
EXPORT_DIR=$DATA/exports/acme_q1   # the generated pipeline.yaml's one export
"$BIN/keys" "$EXPORT_DIR" | LC_ALL=C sort >"$WORK/keys-pipeline.txt" || die "could not read the run's exported subject_keys under $EXPORT_DIR"
[[ $(wc -l <"$WORK/keys-pipeline.txt") == "$P_EXPORTED" ]] || die "the run reports $P_EXPORTED exported rows, its files hold $(wc -l <"$WORK/keys-pipeline.txt")"

run_floor() {
  measure "$1" "$BIN/floor" --data "$DATA" --out "$WORK/floor_exports" --title-rules "$ROOT/sql/title_rules.csv" \
    --threads "$THREADS" --memory-limit "$BENCH_MEMORY_LIMIT" --temp-directory "$WORK/floor_tmp"
}
log "floor: warm-up"; run_floor floor-warmup
log "floor: measured"; run_floor floor
F_EXPORTED=$(json "$WORK/floor.out" "d['exported']")
ROWS+=("floor (one DuckDB script)|$WALL|$RSS|$F_EXPORTED")
FLOOR_WALL=$WALL
same_rows floor "$WORK/floor_exports"

run_plainfloor() {
  measure "$1" "$BIN/plainfloor" --data "$DATA" --out "$WORK/plainfloor_exports" --rules "$ROOT/sql" \
    --lists "$ROOT/pipeline/normalize/lists" --threads "$THREADS" --memory-limit "$BENCH_MEMORY_LIMIT" \
    --temp-directory "$WORK/plainfloor_tmp"
}
log "plain floor: warm-up"; run_plainfloor plainfloor-warmup
log "plain floor: measured"; run_plainfloor plainfloor
ROWS+=("plain floor (one DuckDB script, built-in functions only)|$WALL|$RSS|$(json "$WORK/plainfloor.out" "d['exported']")")
PLAIN_WALL=$WALL
same_rows "plain floor" "$WORK/plainfloor_exports"

if [[ $SKIP == *" peer "* ]]; then
  NOTES+=("peer (pandas): skipped (BENCH_SKIP)")
elif (( SIZE > 2000000 )); then
  NOTES+=("peer (pandas): skipped above 2M people (1M only; it holds everything in memory)")
else
  run_peer() { measure "$1" "$PY" "$ROOT/bench/peer/peer.py" --data "$DATA" --out "$WORK/peer_exports" \
    --lists "$ROOT/pipeline/normalize/lists" --title-rules "$ROOT/sql/title_rules.csv"; }
  PDV=$("$PY" -c 'import pandas; print(pandas.__version__)')
  log "peer: warm-up"; run_peer peer-warmup
  log "peer: measured"; run_peer peer
  X_EXPORTED=$(json "$WORK/peer.out" "d['exported']")
  ROWS+=("peer (pandas $PDV, row-by-row normalisers)|$WALL|$RSS|$X_EXPORTED")
  [[ $(json "$WORK/peer.out" "d['format']") == parquet ]] || NOTES+=("the pandas peers write CSV partitions: no pyarrow/fastparquet in Debian's python3")
  same_rows "peer" "$WORK/peer_exports"
  NOTES+=("pandas (row by row) / pipeline run, the measured runs above: $(awk -v x="$WALL" -v p="${ROWS[0]}" 'BEGIN {split(p, a, "|"); printf "%.2f", x/a[2]}')× (the interleaved rounds below are steadier)")
  run_peer_vec() { measure "$1" "$PY" "$ROOT/bench/peer/peer_vec.py" --data "$DATA" --out "$WORK/peer_vec_exports" \
    --lists "$ROOT/pipeline/normalize/lists" --rules "$ROOT/sql"; }
  log "vectorised peer: warm-up"; run_peer_vec peer_vec-warmup
  log "vectorised peer: measured"; run_peer_vec peer_vec
  ROWS+=("peer (pandas $PDV, vectorised)|$WALL|$RSS|$(json "$WORK/peer_vec.out" "d['exported']")")
  same_rows "vectorised peer" "$WORK/peer_vec_exports"
  NOTES+=("pandas (vectorised) / pipeline run, the measured runs above: $(awk -v x="$WALL" -v p="${ROWS[0]}" 'BEGIN {split(p, a, "|"); printf "%.2f", x/a[2]}')×")
fi

# --- privacy commands (once they exist) --------------------------------------
# On the warehouse and exports the measured pipeline run left behind.
PRIV=()   # "what|wall|rss"
implemented() { ! "$ROOT/bin/pipeline" "$@" --help 2>&1 | grep -q "not implemented"; }
if [[ $SKIP != *" privacy "* ]]; then
  mapfile -t SUBJECTS < <("$ROOT/bin/pipeline" query -f "$DATA/bench.yaml" --log-format json \
    "SELECT email FROM deliverable WHERE email_type = 'personal' AND country IN ('GB','IE') ORDER BY subject_key LIMIT 2" 2>/dev/null | tail -n +2)
  if ((${#SUBJECTS[@]} < 2)); then
    NOTES+=("SAR/erasure: skipped (could not pick exported subjects with \`pipeline query\`)")
  else
    if implemented sar; then
      measure sar-warmup "$ROOT/bin/pipeline" sar -f "$DATA/bench.yaml" --log-format json --email "${SUBJECTS[0]}" --format json
      # a SAR is half a second: the median of three measured runs
      SAR_WALLS=()
      for i in 1 2 3; do
        measure sar "$ROOT/bin/pipeline" sar -f "$DATA/bench.yaml" --log-format json --email "${SUBJECTS[0]}" --format json
        SAR_WALLS+=("$WALL")
      done
      WALL=$(printf '%s\n' "${SAR_WALLS[@]}" | sort -g | sed -n 2p)
      PRIV+=("sar --email (an exported subject; process wall, median of 3)|$WALL|$RSS")
    else
      NOTES+=("SAR latency: skipped (\`pipeline sar\` not implemented yet)")
    fi
    if implemented erase; then
      # a different subject each time: the first is the warm-up
      measure erase-warmup "$ROOT/bin/pipeline" erase -f "$DATA/bench.yaml" --log-format json --email "${SUBJECTS[1]}" --yes
      measure erase "$ROOT/bin/pipeline" erase -f "$DATA/bench.yaml" --log-format json --email "${SUBJECTS[0]}" --yes
      PRIV+=("erase --email --yes (an exported subject; process wall)|$WALL|$RSS")
      NOTES+=("erasure steps (s): $("$PY" -c '
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if "erasure step done" in l]
print(", ".join("%s %.2f" % (d["step"], d["took_ms"] / 1000) for d in steps))' "$WORK/erase.err")")
      # the next night: the same sources over the existing warehouse, whose
      # two erasure tombstones the stage now screens every email against
      log "pipeline run, next night (2 tombstones): measured"
      measure pipeline-next "$ROOT/bin/pipeline" run -f "$DATA/bench.yaml" --format json --log-format json
      ROWS+=("pipeline run, next night (existing warehouse, 2 erasure tombstones)|$WALL|$RSS|$(json "$WORK/pipeline-next.out" "sum(e['rows'] for e in d['exports'])")")
    else
      NOTES+=("erasure time: skipped (\`pipeline erase\` not implemented yet)")
    fi
  fi
  if implemented suppress import; then
    # 1M suppression entries: people's emails, as a list arrives (raw, mixed case, padded)
    SUPP=$ROOT/bench/work/supp_1m.csv
    if [[ ! -f $SUPP ]]; then
      "$ROOT/bin/pipeline" query -f "$DATA/bench.yaml" --log-format json \
        "COPY (SELECT email FROM raw_vendor_people WHERE email IS NOT NULL AND trim(email) <> '' LIMIT 1000000) TO '$SUPP.tmp' (HEADER)" >/dev/null 2>&1 \
        && mv "$SUPP.tmp" "$SUPP" || { echo email >"$SUPP.tmp"; cut -d, -f3 "$DATA/people.csv" | grep @ | head -1000000 >>"$SUPP.tmp" || true; mv "$SUPP.tmp" "$SUPP"; }
    fi
    n=$(( $(wc -l <"$SUPP") - 1 ))
    measure suppress-import-warmup "$ROOT/bin/pipeline" suppress import -f "$DATA/bench.yaml" --log-format json \
      --kind email --reason objection --source bench_warmup "$SUPP"
    measure suppress-import "$ROOT/bin/pipeline" suppress import -f "$DATA/bench.yaml" --log-format json \
      --kind email --reason objection --source bench_1m "$SUPP"
    PRIV+=("suppress import ($n emails, new list)|$WALL|$RSS")
  else
    NOTES+=("suppress import: skipped (\`pipeline suppress import\` not implemented yet)")
  fi
fi

# --- plugin streaming rate ------------------------------------------------------
STREAM=
if [[ $SKIP != *" stream "* ]]; then
  STREAM_ROWS=$(( SIZE < 1000000 ? SIZE : 1000000 ))
  log "plugin streaming rate ($STREAM_ROWS rows)"
  measure stream "$BIN/stream" --csv "$DATA/people.csv" --rows "$STREAM_ROWS" --plugin-dir "$ROOT/bin" \
    --work "$ROOT/bench/work/stream" --threads "$THREADS"
  STREAM=$WORK/stream.out
fi

# --- interleaved rounds -----------------------------------------------------------
# One measured run per implementation cannot settle the pandas ratio on a
# host whose speed drifts from minute to minute: the medians of a few
# rounds, run, floor and pandas back to back, hold up better.
ROUNDS=${BENCH_ROUNDS:-3}
ROUNDS_OUT=""
if [[ -n ${X_EXPORTED:-} ]] && (( ROUNDS > 0 )); then
  log "interleaved rounds: $ROUNDS"
  ROUNDS_OUT=$(BENCH_SIZE=$SIZE BENCH_THREADS=$THREADS BENCH_MEMORY_LIMIT=$BENCH_MEMORY_LIMIT "$ROOT/bench/rounds.sh" "$ROUNDS")
fi

# --- report ------------------------------------------------------------------
report() {
  local mem; mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  echo "# make bench — $SIZE people, $DATE"
  echo
  echo "Machine: $(nproc) cores, $mem RAM; DuckDB threads=$THREADS, memory_limit=$BENCH_MEMORY_LIMIT; seed $SEED;" \
       "commit $(git rev-parse --short HEAD)$(git diff --quiet -- . ':!bench' || echo ' (dirty)')."
  echo "Load average at start: $LOAD0 (measure on a quiet machine; concurrent jobs inflate every row)."
  echo "Each implementation: one warm-up run, then one measured run in its own process (/usr/bin/time -v)."
  echo
  echo "| implementation | wall s | rows/s (people in / wall) | peak RSS MiB | exported rows | ratio vs floor | ratio vs plain floor |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local r
  for r in "${ROWS[@]}"; do
    IFS='|' read -r impl wall rss exp <<<"$r"
    awk -v i="$impl" -v w="$wall" -v r="$rss" -v e="$exp" -v n="$SIZE" -v f="$FLOOR_WALL" -v pf="$PLAIN_WALL" \
      'BEGIN {printf "| %s | %.2f | %.0f | %d | %d | %.2f× | %.2f× |\n", i, w, n/w, r, e, w/f, w/pf}'
  done
  echo
  echo "### pipeline run, per stage"
  echo
  echo "| stage | step | rows in | rows out | s |"
  echo "|---|---|---:|---:|---:|"
  "$PY" - "$WORK/pipeline-report.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
tot = 0
for s in d["stages"]:
    tot += s["duration_ns"]
    print(f"| {s['stage']} | {s['step']} | {s.get('rows_in', 0)} | {s.get('rows_out', 0)} | {s['duration_ns']/1e9:.2f} |")
print(f"| **sum of stages** | | | | **{tot/1e9:.2f}** |")
PYEOF
  if [[ -n $ROUNDS_OUT ]]; then
    echo
    echo "### interleaved rounds (bench/rounds.sh $ROUNDS: wall ms of run, both floors and both pandas peers, back to back)"
    echo
    echo '```'
    echo "$ROUNDS_OUT"
    echo '```'
  fi
  if ((${#PRIV[@]})); then
    echo
    echo "### privacy commands"
    echo
    echo "| command | wall s | peak RSS MiB |"
    echo "|---|---:|---:|"
    for r in "${PRIV[@]}"; do IFS='|' read -r what wall rss _ <<<"$r"; echo "| $what | $wall | $rss |"; done
  fi
  if [[ -n $STREAM ]]; then
    echo
    echo "### plugin streaming rate"
    echo
    "$PY" - "$STREAM" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print("| path | rows | s | rows/s |")
print("|---|---:|---:|---:|")
for k, label in [("plugin_jsonl", "jsonl connector via go-plugin → Arrow RegisterView → table"),
                 ("plugin_parquet", "benchparquet connector (arrow-go columnar decode) via go-plugin → Arrow RegisterView → table"),
                 ("native_read_parquet", "DuckDB read_parquet (same rows) → table"),
                 ("native_read_json", "DuckDB read_json (same file) → table"),
                 ("native_read_csv", "DuckDB read_csv (same rows) → table")]:
    if k in d:
        r = d[k]
        print(f"| {label} | {r['rows']} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} |")
print()
# The goal (issue 3) is about the plugin path itself: the same Parquet rows
# decoded by a connector and streamed, against DuckDB's read_parquet. The
# jsonl ratios are dominated by JSON parsing in Go and are shown for scale.
if "ratio_parquet_plugin_vs_read_parquet" in d:
    print(f"- plugin path (benchparquet) vs read_parquet: **{d['ratio_parquet_plugin_vs_read_parquet']:.0%}** (goal ≥ 50%)")
for k in ("ratio_vs_read_json", "ratio_vs_read_csv"):
    if k in d:
        print(f"- jsonl connector {k[len('ratio_'):].replace('_', ' ')}: {d[k]:.0%} (JSON parsing in Go; for scale)")
PYEOF
  fi
  if ((${#NOTES[@]})); then
    echo
    echo "### notes"
    echo
    for r in "${NOTES[@]}"; do echo "- $r"; done
  fi
  echo
  echo "Goals (issue 7, issue 24): pipeline run ≤ 1.5× the floor and ≤ 1.5× the plain floor (aim 1.2×)," \
       "≥ 4× faster than pandas; 10M ≤ 11× the 1M time; 10M with memory_limit 2GB under 3 GiB peak RSS."
}
mkdir -p "$(dirname "$RESULT")"
report | tee "$RESULT"
log "written $RESULT"
# rights latency at the bench's export shape and at one large partition
# (bench/rights.sh writes its own result file)
[[ $SKIP == *" rights "* ]] || BENCH_SIZE=$SIZE BENCH_MEMORY_LIMIT=$BENCH_MEMORY_LIMIT BENCH_THREADS=$THREADS bench/rights.sh >&2
# one process against 2 shards, same cores (bench/shards.sh writes its own result file)
[[ $SKIP == *" shards "* ]] || BENCH_SIZE=$SIZE BENCH_MEMORY_LIMIT=$BENCH_MEMORY_LIMIT BENCH_THREADS=$THREADS BENCH_SEED=$SEED bench/shards.sh >&2
((${#MISMATCH[@]} == 0)) || die "exported rows differ from pipeline run's: ${MISMATCH[*]} (see the notes in $RESULT)"
