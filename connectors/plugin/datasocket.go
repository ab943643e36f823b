package plugin

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// The data socket is a source's bulk path (see connectors.proto): the
// record stream goes over a Unix socket as one Arrow IPC stream, while
// the gRPC Scan call carries control and the final status. It exists for
// speed: gRPC copies every batch through protobuf, its HTTP/2 framing and
// our chunking, which cost as much as decoding a Parquet file.

// acceptTimeout bounds the wait for a plugin that announced the data
// socket but never connected (it dials before announcing, so a working
// plugin is already queued).
const acceptTimeout = 10 * time.Second

// dataListener is the host's end of a data socket, in a fresh folder only
// this user can enter.
type dataListener struct {
	dir  string
	path string
	ln   *net.UnixListener
}

// DataSocketEnv, set to "off", makes the host offer no data socket:
// record streams travel over gRPC (for a plugin that cannot reach the
// host's temp folder, or to compare the two paths).
const DataSocketEnv = "PIPELINE_CONNECTOR_DATA_SOCKET"

// listenData opens a data socket. It returns nil when switched off or when
// the system offers none (say, a temp path too long for a socket
// address): the stream then travels over gRPC.
func listenData() *dataListener {
	if os.Getenv(DataSocketEnv) == "off" {
		return nil
	}
	dir, err := os.MkdirTemp("", "pipeline-conn-") // 0700
	if err != nil {
		return nil
	}
	path := filepath.Join(dir, "data")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil
	}
	ln.SetUnlinkOnClose(true)
	return &dataListener{dir: dir, path: path, ln: ln}
}

// accept takes the plugin's one connection; ctx ending stops the wait.
func (d *dataListener) accept(ctx context.Context) (net.Conn, error) {
	stop := context.AfterFunc(ctx, func() { _ = d.ln.Close() })
	defer stop()
	_ = d.ln.SetDeadline(time.Now().Add(acceptTimeout))
	conn, err := d.ln.Accept()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: the plugin announced a data socket but did not connect: %v", ErrBadBatch, err)
	}
	return conn, nil
}

// close removes the socket and its folder; the accepted connection, if
// any, lives on.
func (d *dataListener) close() {
	if d == nil {
		return
	}
	_ = d.ln.Close()
	_ = os.RemoveAll(d.dir)
}

// socketReader is the host's view of a record stream on a data socket.
// The data counts only once the Scan RPC has ended OK, so at the end of
// the IPC stream it reads the RPC's status: a plugin that crashed after
// its last whole batch is an error, not a short table.
type socketReader struct {
	who    string
	conn   net.Conn
	rd     *ipc.Reader
	final  func() error                               // the RPC's status: nil when it ended OK
	mapErr func(ctx context.Context, err error) error // gRPC status to Go error
	cancel context.CancelFunc                         // ends the RPC
	schema *arrow.Schema

	batches int
	err     error // sticky
	once    sync.Once
}

var _ connectors.RecordReader = (*socketReader)(nil)

// newSocketReader reads the stream's schema from conn.
func newSocketReader(ctx context.Context, who string, conn net.Conn, mem memory.Allocator, final func() error,
	mapErr func(context.Context, error) error, cancel context.CancelFunc) (*socketReader, error) {
	r := &socketReader{who: who, conn: conn, final: final, mapErr: mapErr, cancel: cancel}
	stop := context.AfterFunc(ctx, r.abort)
	defer stop()
	rd, err := ipc.NewReader(bufio.NewReaderSize(conn, 256<<10), ipc.WithAllocator(mem))
	if err != nil {
		// Nothing (or half a message) came: the plugin's own error, say a
		// source whose first read failed, is the cause. Bytes that are not
		// Arrow IPC are ours to report, unless the plugin died.
		if status := r.statusAfter(ctx, statusWaitAfterError); prefersStatus(ctx, status, err) {
			return nil, fmt.Errorf("%s: %w", who, status)
		}
		return nil, fmt.Errorf("%s: %w: undecodable schema on the data socket: %v", who, ErrBadBatch, err)
	}
	r.rd, r.schema = rd, rd.Schema()
	return r, nil
}

// abort ends the RPC and the socket: blocked reads return.
func (r *socketReader) abort() {
	r.cancel()
	_ = r.conn.Close()
}

// Waits for a plugin's Scan call to end once its data has: it should end
// at once; a plugin that hangs there is cut off and reported.
const (
	statusWaitAfterEnd   = 30 * time.Second // after a clean end of stream
	statusWaitAfterError = 2 * time.Second  // after undecodable bytes
)

// statusAfter closes the socket (a plugin still writing fails at once)
// and returns the RPC's status, mapped; ctx ending wins. It waits at most
// wait for the plugin to end the call.
func (r *socketReader) statusAfter(ctx context.Context, wait time.Duration) error {
	_ = r.conn.Close()
	var timedOut atomic.Bool
	t := time.AfterFunc(wait, func() { timedOut.Store(true); r.cancel() })
	err := r.final()
	t.Stop()
	if timedOut.Load() {
		return fmt.Errorf("%w: the plugin did not end its Scan call within %v of the end of its data", errLingered, wait)
	}
	if err != nil {
		return r.mapErr(ctx, err)
	}
	return ctx.Err()
}

// errLingered: a plugin kept its Scan call open after its data ended.
var errLingered = fmt.Errorf("%w: plugin lingered", ErrBadBatch)

// prefersStatus reports whether the plugin's status explains a stream
// that stopped (with ipcErr, nil for a clean end) better than the stream
// itself: always after a clean end; after undecodable bytes only when the
// plugin died or the caller cancelled, not when the status is just the
// plugin failing to write after we hung up.
func prefersStatus(ctx context.Context, status, ipcErr error) bool {
	switch {
	case status == nil:
		return false
	case ipcErr == nil, errors.Is(ipcErr, io.EOF), errors.Is(ipcErr, io.ErrUnexpectedEOF):
		return true
	case errors.Is(status, errLingered):
		return false
	default:
		return errors.Is(status, ErrExited) || ctx.Err() != nil
	}
}

// Schema implements connectors.RecordReader.
func (r *socketReader) Schema() *arrow.Schema { return r.schema }

// Next implements connectors.RecordReader: the next batch, or io.EOF once
// the stream ended and the plugin reported success.
func (r *socketReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.err != nil {
		return nil, r.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, r.abort)
	defer stop()
	if r.rd.Next() {
		r.batches++
		rec := r.rd.RecordBatch()
		rec.Retain()
		return rec, nil
	}
	ipcErr := r.rd.Err()
	if errors.Is(ipcErr, io.EOF) {
		ipcErr = nil
	}
	wait := statusWaitAfterEnd
	if ipcErr != nil {
		wait = statusWaitAfterError
	}
	status := r.statusAfter(ctx, wait)
	switch {
	case prefersStatus(ctx, status, ipcErr):
		r.err = fmt.Errorf("%s: batch %d: %w", r.who, r.batches+1, status)
	case ipcErr != nil:
		r.err = fmt.Errorf("%s: batch %d: %w: undecodable Arrow IPC: %v", r.who, r.batches+1, ErrBadBatch, ipcErr)
	default:
		r.err = io.EOF
	}
	return nil, r.err
}

// Close implements connectors.RecordReader.
func (r *socketReader) Close() error {
	r.once.Do(func() {
		r.abort()
		if r.rd != nil {
			r.rd.Release()
		}
	})
	return nil
}

// finalStatus reads what follows the data_socket message: nothing but
// the RPC's end.
func finalStatus(stream pb.Source_ScanClient) func() error {
	return func() error {
		m, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: unexpected message %T after the data socket", ErrBadBatch, m.GetMsg())
	}
}

// writeDataSocket is the plugin's side: it writes rr to conn as one Arrow
// IPC stream, reading the next batch while the previous one is written.
// It returns once the end-of-stream marker is flushed.
func writeDataSocket(ctx context.Context, rr connectors.RecordReader, conn net.Conn) error {
	schema := rr.Schema()
	if schema == nil {
		return errors.New("connector bug: record stream without a schema")
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	bw := bufio.NewWriterSize(conn, 256<<10)
	w := ipc.NewWriter(bw, ipc.WithSchema(schema))
	n := 0
	err := readAhead(ctx, rr, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		n++
		if !rec.Schema().Equal(schema) {
			return fmt.Errorf("%w: batch schema %s differs from stream schema %s", ErrBadBatch, schemaString(rec.Schema()), schemaString(schema))
		}
		if err := w.Write(rec); err != nil {
			return fmt.Errorf("batch %d: write to the data socket: %w", n, err)
		}
		// Whole batches reach the host now, not when the buffer fills:
		// a batch sent before an error is a batch delivered.
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("batch %d: write to the data socket: %w", n, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil { // the schema too, for an empty stream
		return fmt.Errorf("data socket: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data socket: %w", err)
	}
	return conn.Close()
}

// readAhead calls each for every batch of rr, in order, while the next
// batch is read on another goroutine: a connector's decode overlaps the
// sending of the previous batch. each owns (releases) its batch. It does
// not close rr.
func readAhead(ctx context.Context, rr connectors.RecordReader, each func(arrow.RecordBatch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	p := prefetch(ctx, cancel, rr)
	defer p.stop()
	for {
		rec, err := p.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := each(rec); err != nil {
			return err
		}
	}
}
