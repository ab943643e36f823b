#!/usr/bin/env bash
# A/B rights latency on a shared machine: two builds, each on the project
# folder its own `pipeline run` made (bench/rights.sh leaves them in
# bench/work/<size>/rights-<shape>), measured alternately so that both see
# the same load. For each round: `sar --email` with A then B, then
# `erase --email --yes` with A then B, each erase on a fresh copy of its
# folder's state (the folders are left as they were). The subject is the
# Nth GB subject of the export by subject_key (same person in both, as
# both runs export the same rows).
#   bench/rights-ab.sh BIN_A DIR_A BIN_B DIR_B [ROUNDS] [OFFSET]
# Prints one line per measurement: round, build, command, wall seconds,
# erase steps, load average.
set -euo pipefail
A=$1 DA=$2 B=$3 DB=$4 ROUNDS=${5:-3} OFFSET=${6:-12}
email=$(cd "$DA" && "$A" query -f pipeline.yaml --format csv "SELECT email FROM read_parquet('exports/acme_q1/country=GB/*.parquet') ORDER BY subject_key LIMIT 1 OFFSET $OFFSET" | tail -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wall() { /usr/bin/time -f %e -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }; cat "$tmp/t"; }
for side in A B; do # warm-up: the files in the page cache for both
  bin=$A dir=$DA; [[ $side == B ]] && bin=$B dir=$DB
  (cd "$dir" && wall "$bin" sar -f pipeline.yaml --email "$email" --format json >/dev/null)
done
for r in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=$A dir=$DA; [[ $side == B ]] && bin=$B dir=$DB
    s=$(cd "$dir" && wall "$bin" sar -f pipeline.yaml --email "$email" --format json)
    echo "$r $side sar $s - $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  for side in A B; do
    bin=$A dir=$DA; [[ $side == B ]] && bin=$B dir=$DB
    rm -rf "$tmp/p"; mkdir -p "$tmp/p"
    cp -a "$dir/." "$tmp/p/"
    e=$(cd "$tmp/p" && wall "$bin" erase --log-format json -f pipeline.yaml --email "$email" --yes)
    steps=$(grep -o '"step":"[a-z]*"[^}]*"took_ms":[0-9.]*' "$tmp/err" | sed -E 's/"step":"([a-z]*)".*"took_ms":([0-9]*).*/\1=\2/' | tr '\n' ',')
    echo "$r $side erase $e $steps $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
