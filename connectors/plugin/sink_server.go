package plugin

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// SinkServer serves a connectors.Sink over gRPC inside a plugin process.
// Optional capabilities the sink does not implement answer Unimplemented.
type SinkServer struct {
	pb.UnimplementedSinkServer
	impl connectors.Sink
}

// NewSinkServer wraps sink.
func NewSinkServer(sink connectors.Sink) *SinkServer { return &SinkServer{impl: sink} }

// Describe implements pb.SinkServer.
func (s *SinkServer) Describe(ctx context.Context, _ *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	return serveDescribe(ctx, s.impl)
}

// Validate implements pb.SinkServer.
func (s *SinkServer) Validate(ctx context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	return serveValidate(ctx, s.impl, req)
}

// Write implements pb.SinkServer: it reads the header, hands the sink a
// RecordReader over the rest of the stream (or the staged directory), and
// answers with the sink's result.
func (s *SinkServer) Write(stream pb.Sink_WriteServer) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	h := first.GetHeader()
	if h == nil {
		return toStatus(errors.New("write stream did not start with a header"))
	}
	opts, err := decodeOptions(h.GetOptionsJson())
	if err != nil {
		return toStatus(err)
	}
	req := connectors.WriteRequest{
		Export: h.GetExport(), RunID: h.GetRunId(), Options: opts,
		PartitionBy: h.GetPartitionBy(), StagedDir: h.GetStagedDir(), Metadata: h.GetMetadata(),
	}
	if req.StagedDir == "" {
		r := &streamReader{
			who:    fmt.Sprintf("export %q", req.Export),
			mem:    memory.DefaultAllocator,
			mapErr: func(_ context.Context, err error) error { return err },
			recv: func() (*pb.Chunk, bool, error) {
				m, err := stream.Recv()
				if err != nil {
					return nil, false, err
				}
				switch x := m.GetMsg().(type) {
				case *pb.WriteMessage_Schema:
					return x.Schema, true, nil
				case *pb.WriteMessage_Batch:
					return x.Batch, false, nil
				default:
					return nil, false, fmt.Errorf("%w: unexpected message %T in a record stream", ErrBadBatch, x)
				}
			},
		}
		if err := r.readSchema(ctx); err != nil {
			return toStatus(err)
		}
		defer r.Close()
		req.Records = r
	}
	res, err := s.impl.Write(ctx, req)
	if err != nil {
		return toStatus(err)
	}
	return stream.SendAndClose(writeResultToProto(res))
}

// StagingDir implements pb.SinkServer.
func (s *SinkServer) StagingDir(ctx context.Context, req *pb.StagingRequest) (*pb.StagingDirResponse, error) {
	nw, ok := s.impl.(connectors.NativeWriter)
	if !ok {
		return nil, toStatus(fmt.Errorf("staging dir: %w", errors.ErrUnsupported))
	}
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	dir, err := nw.StagingDir(ctx, req.GetExport(), req.GetRunId(), opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.StagingDirResponse{Dir: dir}, nil
}

// Abort implements pb.SinkServer.
func (s *SinkServer) Abort(ctx context.Context, req *pb.StagingRequest) (*pb.AbortResponse, error) {
	a, ok := s.impl.(connectors.Aborter)
	if !ok {
		return nil, toStatus(fmt.Errorf("abort: %w", errors.ErrUnsupported))
	}
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := a.Abort(ctx, req.GetExport(), req.GetRunId(), opts); err != nil {
		return nil, toStatus(err)
	}
	return &pb.AbortResponse{}, nil
}

// Locate implements pb.SinkServer.
func (s *SinkServer) Locate(ctx context.Context, req *pb.SubjectRequest) (*pb.LocateResponse, error) {
	l, ok := s.impl.(connectors.Locator)
	if !ok {
		return nil, toStatus(fmt.Errorf("locate: %w", errors.ErrUnsupported))
	}
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	locs, err := l.Locate(ctx, opts, req.GetSubjectKey())
	if err != nil {
		return nil, toStatus(err)
	}
	r := &pb.LocateResponse{}
	for _, x := range locs {
		r.Locations = append(r.Locations, &pb.Location{Place: x.Place, Rows: x.Rows})
	}
	return r, nil
}

// Erase implements pb.SinkServer.
func (s *SinkServer) Erase(ctx context.Context, req *pb.SubjectRequest) (*pb.EraseResponse, error) {
	e, ok := s.impl.(connectors.Eraser)
	if !ok {
		return nil, toStatus(fmt.Errorf("erase: %w", errors.ErrUnsupported))
	}
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	n, err := e.Erase(ctx, opts, req.GetSubjectKey())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.EraseResponse{Rows: n}, nil
}
