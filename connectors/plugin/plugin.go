// Package plugin runs connectors as separate processes over
// hashicorp/go-plugin (gRPC), with data crossing as Arrow IPC batches.
//
// It holds what host and plugin must agree on (Handshake, ProtocolVersion,
// the plugin names and VersionedPlugins), the gRPC adapters in both
// directions (SourceClient/SinkClient on the host implement
// connectors.Source/Sink; the servers wrap a connector inside the plugin),
// and the Registry that discovers and launches connector processes.
//
// Connector authors do not import this package: they use connectors/sdk.
package plugin

import (
	"context"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// ProtocolVersion is the connector protocol version this build speaks.
const ProtocolVersion = 1

// Plugin names, shared by host and plugin: a process serves one or both.
const (
	SourcePluginName = string(connectors.KindSource) // "source"
	SinkPluginName   = string(connectors.KindSink)   // "sink"
)

// Handshake is the go-plugin handshake both sides use. A binary started
// without the magic cookie (say, by a user at a shell) refuses to serve.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "PIPELINE_CONNECTOR",
	MagicCookieValue: "b2b7c1f0-pipeline-connector-v1",
}

// VersionedPlugins returns the plugin sets keyed by protocol version. The
// host calls it with nil arguments (it only needs the names); a plugin
// passes the connectors it serves, either of which may be nil, in which
// case that service is not registered and calls to it fail Unimplemented.
func VersionedPlugins(src connectors.Source, sink connectors.Sink) map[int]goplugin.PluginSet {
	return map[int]goplugin.PluginSet{
		ProtocolVersion: {
			SourcePluginName: &SourcePlugin{Impl: src},
			SinkPluginName:   &SinkPlugin{Impl: sink},
		},
	}
}

// SourcePlugin is the go-plugin glue for a source. Impl is set in the
// plugin process and nil on the host.
type SourcePlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	Impl connectors.Source
}

var _ goplugin.GRPCPlugin = (*SourcePlugin)(nil)

// GRPCServer registers the Source service (plugin side) when Impl is set.
func (p *SourcePlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl != nil {
		pb.RegisterSourceServer(s, NewSourceServer(p.Impl))
	}
	return nil
}

// GRPCClient returns a *SourceClient (host side). Its name is empty until
// the Registry sets it; use NewSourceClient to name it yourself.
func (p *SourcePlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewSourceClient("", c), nil
}

// SinkPlugin is the go-plugin glue for a sink. Impl is set in the plugin
// process and nil on the host.
type SinkPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	Impl connectors.Sink
}

var _ goplugin.GRPCPlugin = (*SinkPlugin)(nil)

// GRPCServer registers the Sink service (plugin side) when Impl is set.
func (p *SinkPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl != nil {
		pb.RegisterSinkServer(s, NewSinkServer(p.Impl))
	}
	return nil
}

// GRPCClient returns a *SinkClient (host side).
func (p *SinkPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewSinkClient("", c), nil
}

// CleanupClients kills every connector process this host started that is
// still running. Call it on the host's exit path (defer in main), so that
// a panic or early return leaves no plugin process behind.
func CleanupClients() { goplugin.CleanupClients() }
