#!/bin/sh
# make cover: statement coverage per package, by the package's own tests
# (go test -cover) and by those and the end-to-end tests of cmd/pipeline
# together; those run a `go build -cover` binary (and its
# plugin processes) that writes counters to GOCOVERDIR, merged with the
# unit tests' counters by `go tool covdata`. The data and the test log stay
# in $COVER_OUT (default test-artifacts/cover). Slow: the whole suite runs.
set -eu
GO=${GO:-go}
out=${COVER_OUT:-test-artifacts/cover}
rm -rf "$out"
mkdir -p "$out/unit" "$out/e2e"
out=$(cd "$out" && pwd)
module=$($GO list -m)

$GO build -tags=duckdb_arrow -cover -coverpkg=./... -o "$out/pipeline" ./cmd/pipeline
# the unit tests with -cover (which points GOCOVERDIR at a temp folder of
# its own); the end-to-end tests without it, so that the binary's counters
# land in $out/e2e
failed=0
$GO test -tags=duckdb_arrow -count=1 -timeout 30m -cover $($GO list ./... | grep -v '/cmd/pipeline$') \
	-args -test.gocoverdir="$out/unit" >"$out/test.log" 2>&1 || failed=1
PIPELINE_TEST_BIN="$out/pipeline" GOCOVERDIR="$out/e2e" \
	$GO test -tags=duckdb_arrow -count=1 -timeout 30m ./cmd/pipeline/ >>"$out/test.log" 2>&1 || failed=1
$GO tool covdata percent -i="$out/unit" >"$out/unit.txt"
$GO tool covdata percent -i="$out/unit,$out/e2e" >"$out/all.txt"

# package, own tests, all tests (packages without statements or counters left out)
{
	printf '%-40s %10s %12s\n' PACKAGE "OWN TESTS" "ALL TESTS"
	awk -v m="$module/" '
		FNR == 1 { file++ }
		$2 != "coverage:" { next }
		{ pkg = $1; sub(m, "", pkg) }
		file == 1 { own[pkg] = $3; next }
		{ printf "%-40s %10s %12s\n", pkg, (pkg in own) ? own[pkg] : "-", $3 }
	' "$out/unit.txt" "$out/all.txt" | sort
} | tee "$out/table.txt"
if [ "$failed" = 1 ]; then
	grep -E '^(--- FAIL|FAIL|panic)' "$out/test.log" >&2 || tail -50 "$out/test.log" >&2
	echo "make cover: tests failed, the figures above miss what they did not run (log: $out/test.log)" >&2
	exit 1
fi
