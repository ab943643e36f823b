package plugin

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// SourceClient is the host's handle on a source served by a plugin. It
// implements connectors.Source; every error names the connector. Safe
// for concurrent use.
type SourceClient struct {
	client
	rpc pb.SourceClient
	mem memory.Allocator
}

var _ connectors.Source = (*SourceClient)(nil)

// NewSourceClient returns a client for the Source service on conn; name
// is the connector's name, used in error messages.
func NewSourceClient(name string, conn grpc.ClientConnInterface) *SourceClient {
	rpc := pb.NewSourceClient(conn)
	return &SourceClient{client: client{name: name, desc: rpc}, rpc: rpc, mem: memory.DefaultAllocator}
}

// Scan implements connectors.Source. For a record stream, the stream
// lives until ctx is done or Records.Close is called, whichever is first;
// the host must Close it.
func (c *SourceClient) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	b, err := encodeOptions(req.Options)
	if err != nil {
		return nil, fmt.Errorf("connector %q: source %q: %w", c.name, req.Source, err)
	}
	op := fmt.Sprintf("source %q: scan", req.Source)
	who := fmt.Sprintf("connector %q: source %q", c.name, req.Source)
	mapErr := func(ctx context.Context, err error) error { return fromStatus(ctx, err, c.diag) }
	sctx, cancel := context.WithCancel(ctx)
	sock := listenData()
	defer sock.close() // the folder goes once the plugin is connected or gone
	sreq := &pb.ScanRequest{Source: req.Source, OptionsJson: b}
	if sock != nil {
		sreq.DataSocket = sock.path
	}
	stream, err := c.rpc.Scan(sctx, sreq)
	if err != nil {
		cancel()
		return nil, c.errorf(ctx, op, err)
	}
	first, err := stream.Recv()
	if err != nil {
		cancel()
		return nil, c.errorf(ctx, op, err)
	}
	if n := first.GetNative(); n != nil {
		cancel()
		return &connectors.Scan{Native: &connectors.NativeScan{Format: n.GetFormat(), Paths: n.GetPaths(), Params: n.GetParams()}}, nil
	}
	if first.GetDataSocket() {
		if sock == nil {
			cancel()
			return nil, fmt.Errorf("%s: %w: data socket announced but none was offered", who, ErrBadBatch)
		}
		conn, err := sock.accept(sctx)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("%s: %w", who, err)
		}
		r, err := newSocketReader(ctx, who, conn, c.mem, finalStatus(stream), mapErr, cancel)
		if err != nil {
			cancel()
			return nil, err
		}
		return &connectors.Scan{Records: prefetch(sctx, cancel, r)}, nil
	}
	pending := first
	r := &streamReader{
		who:    who,
		cancel: cancel,
		mem:    c.mem,
		mapErr: mapErr,
		recv: func() (*pb.Chunk, bool, error) {
			m := pending
			pending = nil
			if m == nil {
				var err error
				if m, err = stream.Recv(); err != nil {
					return nil, false, err
				}
			}
			switch x := m.GetMsg().(type) {
			case *pb.ScanMessage_Schema:
				return x.Schema, true, nil
			case *pb.ScanMessage_Batch:
				return x.Batch, false, nil
			default:
				return nil, false, fmt.Errorf("%w: unexpected message %T in a record stream", ErrBadBatch, x)
			}
		},
	}
	if err := r.readSchema(ctx); err != nil {
		cancel()
		return nil, err
	}
	return &connectors.Scan{Records: prefetch(sctx, cancel, r)}, nil
}
