// Command testplugin is a connector for the plugin package's tests. It is
// built once under several names, pipeline-connector-MODE, and behaves by
// MODE:
//
//	ok      a source of 3 batches of 1000 rows and a counting sink
//	big     a source of one 64k-row batch of wide strings (chunked)
//	crash   a source that exits with status 3 after its first batch, and
//	        a sink that exits with status 4 on receiving its second batch
//	hang    a source whose Scan never answers
//	garbage a source whose second message is not Arrow IPC
//	schema  a source whose batch has another schema than announced
//	drift   an SDK source whose second batch changes schema (data socket)
//	stall   an SDK source that sends one batch, then hangs (data socket)
//	firstfail an SDK source whose first read fails (data socket)
//	empty   an SDK source with a schema and no rows
//	sockgarbage a source that announces the data socket, writes a schema
//	        and then bytes that are not Arrow IPC, and never ends its call
//	nostart a binary that never completes the handshake
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/connectors/sdk"
)

func main() {
	mode := strings.TrimPrefix(filepath.Base(os.Args[0]), plugin.ExecutablePrefix)
	fmt.Fprintf(os.Stderr, "testplugin starting in mode %s\n", mode)
	switch mode {
	case "ok", "big", "crash", "hang", "drift", "stall", "firstfail", "empty":
		_ = sdk.Serve(&source{mode: mode}, &sink{mode: mode})
	case "garbage", "schema", "sockgarbage":
		goplugin.Serve(&goplugin.ServeConfig{
			HandshakeConfig: plugin.Handshake,
			VersionedPlugins: map[int]goplugin.PluginSet{plugin.ProtocolVersion: {
				plugin.SourcePluginName: &rawPlugin{mode: mode},
			}},
			GRPCServer: goplugin.DefaultGRPCServer,
			Logger:     hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr}),
		})
	case "nostart":
		time.Sleep(time.Hour)
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", mode)
		os.Exit(2)
	}
}

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func batch(start, n int, width int) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	pad := strings.Repeat("x", width)
	for i := start; i < start+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("name-%d%s", i, pad))
	}
	return b.NewRecordBatch()
}

type source struct{ mode string }

func (s *source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: s.mode, Kind: connectors.KindSource, Version: "9.9.9",
		Capabilities: []string{connectors.CapArrowStream}}, nil
}

func (s *source) Validate(_ context.Context, o connectors.Options) error {
	if o.String("bad") != "" {
		return fmt.Errorf("%w: option \"bad\" is bad", connectors.ErrBadOptions)
	}
	return nil
}

func (s *source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	if s.mode == "hang" {
		fmt.Fprintln(os.Stderr, "hanging in Scan")
		select {} // never answers, even when cancelled
	}
	n := 0
	return &connectors.Scan{Records: &sdk.FuncReader{S: schema, NextFn: func(ctx context.Context) (arrow.RecordBatch, error) {
		n++
		switch {
		case s.mode == "big" && n == 1:
			return batch(0, 64*1024, 100), nil
		case s.mode == "big":
			return nil, io.EOF
		case s.mode == "empty":
			return nil, io.EOF
		case s.mode == "firstfail":
			return nil, fmt.Errorf("vendor said no (HTTP 503)")
		case s.mode == "stall" && n == 2:
			fmt.Fprintln(os.Stderr, "stalling after the first batch")
			select {} // never answers, even when cancelled
		case s.mode == "drift" && n == 2:
			b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{{Name: "other", Type: arrow.PrimitiveTypes.Int64}}, nil))
			defer b.Release()
			b.Field(0).(*array.Int64Builder).Append(1)
			return b.NewRecordBatch(), nil
		case s.mode == "crash" && n == 2:
			log.Print("boom: crashing on purpose") // log writes to the process's stderr
			os.Exit(3)
		case n > 3:
			return nil, io.EOF
		}
		return batch((n-1)*1000, 1000, 0), nil
	}}}, nil
}

// sink counts rows; it can Locate but not Erase.
type sink struct{ mode string }

func (*sink) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: "ok", Kind: connectors.KindSink, Version: "9.9.9",
		Capabilities: []string{connectors.CapArrowStream, connectors.CapLocate}}, nil
}

func (*sink) Validate(context.Context, connectors.Options) error { return nil }

func (s *sink) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	var rows int64
	for {
		rec, err := req.Records.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows += rec.NumRows()
		rec.Release()
		if s.mode == "crash" && rows > 1000 {
			log.Print("sink boom: crashing on purpose")
			os.Exit(4)
		}
	}
	return &connectors.WriteResult{Location: "memory:" + req.Export + ":" + req.Metadata["campaign"], Rows: rows}, nil
}

func (*sink) Locate(_ context.Context, o connectors.Options, key string) ([]connectors.Location, error) {
	return []connectors.Location{{Place: "memory:" + key, Rows: 1}}, nil
}

// rawPlugin serves a hand-written, misbehaving Source service.
type rawPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	mode string
}

func (p *rawPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterSourceServer(s, &rawServer{mode: p.mode})
	return nil
}

func (p *rawPlugin) GRPCClient(context.Context, *goplugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}

type rawServer struct {
	pb.UnimplementedSourceServer
	mode string
}

func (r *rawServer) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	return &pb.DescribeResponse{Name: r.mode, Kind: "source", Version: "0.0.1"}, nil
}

func (r *rawServer) Scan(req *pb.ScanRequest, stream pb.Source_ScanServer) error {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	_ = w.Close()
	if r.mode == "sockgarbage" {
		conn, err := net.Dial("unix", req.GetDataSocket())
		if err != nil {
			return err
		}
		defer conn.Close()
		if err := stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_DataSocket{DataSocket: true}}); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "sending garbage on the data socket")
		schemaOnly := buf.Bytes()[:buf.Len()-8] // without the end-of-stream marker
		_, _ = conn.Write(append(append([]byte{}, schemaOnly...), []byte("\xff\xff\xff\xff\x10\x00\x00\x00this is not a flatbuffer")...))
		<-stream.Context().Done() // never ends its call on its own
		return stream.Context().Err()
	}
	if err := stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_Schema{Schema: &pb.Chunk{Data: buf.Bytes()}}}); err != nil {
		return err
	}
	var payload []byte
	switch r.mode {
	case "garbage":
		fmt.Fprintln(os.Stderr, "sending garbage")
		payload = []byte("this is not arrow ipc, not at all")
	case "schema":
		other := arrow.NewSchema([]arrow.Field{{Name: "other", Type: arrow.PrimitiveTypes.Int32}}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, other)
		b.Field(0).(*array.Int32Builder).Append(1)
		rec := b.NewRecordBatch()
		var out bytes.Buffer
		w := ipc.NewWriter(&out, ipc.WithSchema(other))
		_ = w.Write(rec)
		_ = w.Close()
		payload = out.Bytes()
	}
	return stream.Send(&pb.ScanMessage{Msg: &pb.ScanMessage_Batch{Batch: &pb.Chunk{Data: payload}}})
}
