// Package proto holds the connector wire protocol (connectors.proto,
// package pipeline.connector.v1) and its generated Go code. Regenerate with
// scripts/proto.sh; never edit the *.pb.go files by hand. Only
// connectors/plugin and connectors/sdk use it: connector authors and the
// host see Go types from package connectors.
package proto
