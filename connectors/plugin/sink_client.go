package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// SinkClient is the host's handle on a sink served by a plugin. It
// implements connectors.Sink and, always, the optional NativeWriter,
// Aborter, Locator and Eraser interfaces: whether the connector really
// has a capability is in its Description (Has(connectors.CapLocate), ...).
// A call to a capability the connector lacks returns an error wrapping
// ErrUnsupported (and so errors.ErrUnsupported). Every error names the
// connector. Safe for concurrent use.
type SinkClient struct {
	client
	rpc pb.SinkClient
}

var (
	_ connectors.Sink         = (*SinkClient)(nil)
	_ connectors.NativeWriter = (*SinkClient)(nil)
	_ connectors.Aborter      = (*SinkClient)(nil)
	_ connectors.Locator      = (*SinkClient)(nil)
	_ connectors.Eraser       = (*SinkClient)(nil)
)

// NewSinkClient returns a client for the Sink service on conn; name is
// the connector's name, used in error messages.
func NewSinkClient(name string, conn grpc.ClientConnInterface) *SinkClient {
	rpc := pb.NewSinkClient(conn)
	return &SinkClient{client: client{name: name, desc: rpc}, rpc: rpc}
}

// Write implements connectors.Sink: it streams req.Records (releasing
// each batch it sends) or hands over req.StagedDir, and returns what the
// sink wrote. Cancelling ctx cancels the remote write; the sink then keeps
// the previous export.
func (c *SinkClient) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	op := fmt.Sprintf("export %q: write", req.Export)
	if (req.Records == nil) == (req.StagedDir == "") {
		return nil, fmt.Errorf("connector %q: %s: exactly one of Records and StagedDir must be set", c.name, op)
	}
	b, err := encodeOptions(req.Options)
	if err != nil {
		return nil, fmt.Errorf("connector %q: %s: %w", c.name, op, err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.rpc.Write(wctx)
	if err != nil {
		return nil, c.errorf(ctx, op, err)
	}
	hdr := &pb.WriteHeader{Export: req.Export, RunId: req.RunID, OptionsJson: b,
		PartitionBy: req.PartitionBy, StagedDir: req.StagedDir, Metadata: req.Metadata}
	sendErr := stream.Send(&pb.WriteMessage{Msg: &pb.WriteMessage_Header{Header: hdr}})
	if sendErr == nil && req.Records != nil {
		sendErr = sendRecords(ctx, req.Records,
			func(ch *pb.Chunk) error {
				return stream.Send(&pb.WriteMessage{Msg: &pb.WriteMessage_Schema{Schema: ch}})
			},
			func(ch *pb.Chunk) error { return stream.Send(&pb.WriteMessage{Msg: &pb.WriteMessage_Batch{Batch: ch}}) },
		)
	}
	// io.EOF from Send means the plugin already answered (usually with an
	// error); CloseAndRecv returns that answer.
	if sendErr != nil && !errors.Is(sendErr, io.EOF) {
		cancel()
		if _, ok := statusOf(sendErr); ok {
			return nil, c.errorf(ctx, op, sendErr)
		}
		return nil, fmt.Errorf("connector %q: %s: %w", c.name, op, sendErr)
	}
	res, err := stream.CloseAndRecv()
	if err != nil {
		return nil, c.errorf(ctx, op, err)
	}
	return writeResultFromProto(res), nil
}

// StagingDir implements connectors.NativeWriter.
func (c *SinkClient) StagingDir(ctx context.Context, export, runID string, opts connectors.Options) (string, error) {
	b, err := encodeOptions(opts)
	if err != nil {
		return "", fmt.Errorf("connector %q: staging dir: %w", c.name, err)
	}
	r, err := c.rpc.StagingDir(ctx, &pb.StagingRequest{Export: export, RunId: runID, OptionsJson: b})
	if err != nil {
		return "", c.errorf(ctx, fmt.Sprintf("export %q: staging dir", export), err)
	}
	return r.GetDir(), nil
}

// Abort implements connectors.Aborter.
func (c *SinkClient) Abort(ctx context.Context, export, runID string, opts connectors.Options) error {
	b, err := encodeOptions(opts)
	if err != nil {
		return fmt.Errorf("connector %q: abort: %w", c.name, err)
	}
	if _, err := c.rpc.Abort(ctx, &pb.StagingRequest{Export: export, RunId: runID, OptionsJson: b}); err != nil {
		return c.errorf(ctx, fmt.Sprintf("export %q: abort", export), err)
	}
	return nil
}

// Locate implements connectors.Locator.
func (c *SinkClient) Locate(ctx context.Context, opts connectors.Options, subjectKey string) ([]connectors.Location, error) {
	b, err := encodeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("connector %q: locate: %w", c.name, err)
	}
	r, err := c.rpc.Locate(ctx, &pb.SubjectRequest{OptionsJson: b, SubjectKey: subjectKey})
	if err != nil {
		return nil, c.errorf(ctx, "locate", err)
	}
	var out []connectors.Location
	for _, l := range r.GetLocations() {
		out = append(out, connectors.Location{Place: l.GetPlace(), Rows: l.GetRows()})
	}
	return out, nil
}

// Erase implements connectors.Eraser.
func (c *SinkClient) Erase(ctx context.Context, opts connectors.Options, subjectKey string) (int64, error) {
	b, err := encodeOptions(opts)
	if err != nil {
		return 0, fmt.Errorf("connector %q: erase: %w", c.name, err)
	}
	r, err := c.rpc.Erase(ctx, &pb.SubjectRequest{OptionsJson: b, SubjectKey: subjectKey})
	if err != nil {
		return 0, c.errorf(ctx, "erase", err)
	}
	return r.GetRows(), nil
}
