#!/usr/bin/env bash
# A/B nightly run on a shared machine: two builds, each on its own project
# folder (the generated set's CSVs linked in, its pipeline.yaml copied),
# `pipeline run` alternately with A then B for each round, so that both
# see the same load. The first run of each folder (creating its
# warehouse) is not counted. For each run: round, build, wall seconds,
# the seen bookkeeping's statements (seen_record.sql, and seen_write.sql
# for builds that write subject_seen's files, from the debug log),
# load average.
#   bench/seen-ab.sh BIN_A DIR_A BIN_B DIR_B DATA [ROUNDS]
set -euo pipefail
A=$1 DA=$2 B=$3 DB=$4 DATA=$5 ROUNDS=${6:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in A B; do
  bin=$A dir=$DA; [[ $side == B ]] && bin=$B dir=$DB
  if [[ ! -f $dir/state/warehouse.duckdb ]]; then
    mkdir -p "$dir"
    for f in "$DATA"/*.csv; do ln -sf "$f" "$dir/"; done
    cp "$DATA/pipeline.yaml" "$dir/"
    (cd "$dir" && "$bin" run -f pipeline.yaml >/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; exit 1; }
  fi
done
for r in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=$A dir=$DA; [[ $side == B ]] && bin=$B dir=$DB
    (cd "$dir" && /usr/bin/time -f %e -o "$tmp/t" "$bin" run -f pipeline.yaml --log-level debug >/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; exit 1; }
    seen=$(grep -o '"sql":"seen_[a-z]*.sql"[^}]*"took_ms":[0-9.]*' "$tmp/err" | sed -E 's/"sql":"(seen_[a-z]*).sql".*"took_ms":([0-9]*).*/\1=\2/' | tr '\n' ',')
    echo "$r $side run $(cat "$tmp/t") $seen $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
