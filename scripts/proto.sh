#!/usr/bin/env bash
# Regenerates the connector protocol's Go code from
# connectors/internal/proto/connectors.proto. The generated files are
# committed, so a normal build needs none of these tools.
#
# Installs what is missing: protoc (Debian's protobuf-compiler) and the Go
# plugins protoc-gen-go / protoc-gen-go-grpc at pinned versions.
set -euo pipefail

cd "$(dirname "$0")/.."

PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.5.1

if ! command -v protoc >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq protobuf-compiler
fi

gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"
# Installed from outside the module so go.mod is left alone.
if ! protoc-gen-go --version 2>/dev/null | grep -q "${PROTOC_GEN_GO_VERSION}"; then
	(cd / && GOFLAGS= go install "google.golang.org/protobuf/cmd/protoc-gen-go@${PROTOC_GEN_GO_VERSION}")
fi
if ! protoc-gen-go-grpc --version 2>/dev/null | grep -q "${PROTOC_GEN_GO_GRPC_VERSION#v}"; then
	(cd / && GOFLAGS= go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@${PROTOC_GEN_GO_GRPC_VERSION}")
fi

protoc \
	--proto_path=connectors/internal/proto \
	--go_out=connectors/internal/proto --go_opt=paths=source_relative \
	--go-grpc_out=connectors/internal/proto --go-grpc_opt=paths=source_relative \
	connectors/internal/proto/connectors.proto

echo "generated connectors/internal/proto/*.pb.go"
