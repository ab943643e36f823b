package plugin

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/apache/arrow-go/v18/arrow"

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
	return serveDescribe(ctx, s.impl)
}

// Validate implements pb.SourceServer.
func (s *SourceServer) Validate(ctx context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	return serveValidate(ctx, s.impl, req)
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
	if path := req.GetDataSocket(); path != "" {
		var d net.Dialer
		if conn, err := d.DialContext(ctx, "unix", path); err == nil {
			defer conn.Close()
			if err := stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_DataSocket{DataSocket: true}}); err != nil {
				return err
			}
			return toStatus(writeDataSocket(ctx, rr, conn))
		}
		// Unreachable from here (another mount namespace, say): gRPC.
	}
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
	return readAhead(ctx, rr, func(rec arrow.RecordBatch) error {
		payload, err := enc.encodeBatch(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		return sendChunks(payload, sendBatch)
	})
}
