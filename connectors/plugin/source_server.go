package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// SourceServer serves a connectors.Source over gRPC inside a plugin
// process. Each RPC's context is the host's: cancelling on the host
// cancels the connector's work here.
type SourceServer struct {
	pb.UnimplementedSourceServer
	impl connectors.Source
}

// NewSourceServer wraps src.
func NewSourceServer(src connectors.Source) *SourceServer { return &SourceServer{impl: src} }

// Describe implements pb.SourceServer.
func (s *SourceServer) Describe(ctx context.Context, _ *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return descriptionToProto(d), nil
}

// Validate implements pb.SourceServer.
func (s *SourceServer) Validate(ctx context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := s.impl.Validate(ctx, opts); err != nil {
		return nil, toStatus(err)
	}
	return &pb.ValidateResponse{}, nil
}

// Scan implements pb.SourceServer: a native scan is one message; a
// record stream is its schema followed by one IPC payload per batch.
func (s *SourceServer) Scan(req *pb.ScanRequest, stream pb.Source_ScanServer) error {
	ctx := stream.Context()
	opts, err := decodeOptions(req.GetOptionsJson())
	if err != nil {
		return toStatus(err)
	}
	scan, err := s.impl.Scan(ctx, connectors.ScanRequest{Source: req.GetSource(), Options: opts})
	if err != nil {
		return toStatus(err)
	}
	if scan == nil || (scan.Native == nil) == (scan.Records == nil) {
		if scan != nil && scan.Records != nil {
			_ = scan.Records.Close()
		}
		return toStatus(errors.New("connector bug: Scan must set exactly one of Native and Records"))
	}
	if n := scan.Native; n != nil {
		return stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_Native{Native: &pb.NativeScan{Format: n.Format, Paths: n.Paths, Params: n.Params}}})
	}
	rr := scan.Records
	defer rr.Close()
	return toStatus(sendRecords(ctx, rr,
		func(c *pb.Chunk) error { return stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_Schema{Schema: c}}) },
		func(c *pb.Chunk) error { return stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_Batch{Batch: c}}) },
	))
}

// sendRecords streams rr: its schema, then each batch. It releases every
// batch it reads.
func sendRecords(ctx context.Context, rr connectors.RecordReader, sendSchema, sendBatch func(*pb.Chunk) error) error {
	schema := rr.Schema()
	if schema == nil {
		return errors.New("connector bug: record stream without a schema")
	}
	enc := &encoder{schema: schema}
	payload, err := enc.encodeSchema()
	if err != nil {
		return err
	}
	if err := sendChunks(payload, sendSchema); err != nil {
		return err
	}
	// The connector reads and encodes the next batch while the previous
	// one is on the wire: a producer goroutine and an unbuffered hand-over,
	// so at most two encoded batches exist (the encoder's two buffers).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		payload []byte
		err     error
	}
	next := make(chan item)
	go func() {
		defer close(next)
		for {
			rec, err := rr.Next(ctx)
			if err == io.EOF {
				return
			}
			if err == nil && rec == nil {
				err = errors.New("connector bug: Next returned a nil batch and no error")
			}
			var payload []byte
			if err == nil {
				payload, err = enc.encodeBatch(rec)
				rec.Release()
				if err != nil {
					err = fmt.Errorf("batch: %w", err)
				}
			}
			select {
			case next <- item{payload, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for it := range next {
		if it.err != nil {
			return it.err
		}
		if err := sendChunks(it.payload, sendBatch); err != nil {
			return err
		}
	}
	return ctx.Err()
}
