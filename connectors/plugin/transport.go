package plugin

import (
	"google.golang.org/grpc"
)

// Transport tuning shared by host and plugin. gRPC's defaults suit small
// RPCs: a 64 KiB HTTP/2 flow-control window (grown slowly by its
// bandwidth estimator) and 32 KiB socket buffers. A record stream sends
// megabytes per batch over a local socket, so the defaults make the
// sender wait for window updates; with a window larger than a batch the
// plugin can encode the next batch while the host still reads the last.
const (
	// flowWindow is the HTTP/2 stream and connection window. Two batches
	// of ChunkSize fit, which bounds memory per stream to about that.
	flowWindow = 4 * ChunkSize
	// sockBuffer is gRPC's read and write buffer per connection.
	sockBuffer = 1 << 20
)

// GRPCDialOptions are the host's dial options for a plugin connection.
func GRPCDialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(flowWindow),
		grpc.WithInitialConnWindowSize(flowWindow),
		grpc.WithReadBufferSize(sockBuffer),
		grpc.WithWriteBufferSize(sockBuffer),
	}
}

// NewGRPCServer builds a plugin's gRPC server with the same tuning; it is
// the ServeConfig.GRPCServer of every connector process.
func NewGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts,
		grpc.InitialWindowSize(flowWindow),
		grpc.InitialConnWindowSize(flowWindow),
		grpc.ReadBufferSize(sockBuffer),
		grpc.WriteBufferSize(sockBuffer),
	)
	return grpc.NewServer(opts...)
}
