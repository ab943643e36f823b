#!/bin/sh
# Reports Go files over 500 lines and functions over 80 lines (see
# scripts/sizes/main.go); `go test ./scripts/sizes` runs the same check in
# make test.
exec go run ./scripts/sizes "$@"
