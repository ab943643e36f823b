package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
	pb "github.com/example/pipeline/connectors/internal/proto"
)

// ChunkSize is the largest Arrow payload piece put in one gRPC message.
// A batch larger than this travels as several chunks and is reassembled,
// so sources keep their batch size (128k rows is a good one) whatever the
// row width; gRPC's 4 MiB default message limit is never reached.
const ChunkSize = 3 << 20

// encoder serialises batches as self-contained Arrow IPC streams (schema,
// one batch, end of stream). It alternates between two buffers, so the
// bytes of one call stay valid during the next call (a batch is encoded
// while the previous one is sent) and until the call after. Not safe for
// concurrent use.
type encoder struct {
	schema *arrow.Schema
	bufs   [2]bytes.Buffer
	n      int
	buf    *bytes.Buffer
}

// next switches to the other buffer and empties it.
func (e *encoder) next() *bytes.Buffer {
	e.n++
	e.buf = &e.bufs[e.n%2]
	e.buf.Reset()
	return e.buf
}

// encodeSchema returns the IPC stream of the schema alone.
func (e *encoder) encodeSchema() ([]byte, error) {
	w := ipc.NewWriter(e.next(), ipc.WithSchema(e.schema))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return e.buf.Bytes(), nil
}

// encodeBatch returns rec as an IPC stream; the bytes are valid until the
// call after next.
func (e *encoder) encodeBatch(rec arrow.RecordBatch) ([]byte, error) {
	if !rec.Schema().Equal(e.schema) {
		return nil, fmt.Errorf("%w: batch schema %s differs from stream schema %s", ErrBadBatch, schemaString(rec.Schema()), schemaString(e.schema))
	}
	w := ipc.NewWriter(e.next(), ipc.WithSchema(e.schema))
	if err := w.Write(rec); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	return e.buf.Bytes(), nil
}

// sendChunks cuts payload into ChunkSize pieces and sends each.
func sendChunks(payload []byte, send func(*pb.Chunk) error) error {
	for {
		n := min(len(payload), ChunkSize)
		c := &pb.Chunk{Data: payload[:n], More: n < len(payload)}
		if err := send(c); err != nil {
			return err
		}
		payload = payload[n:]
		if len(payload) == 0 {
			return nil
		}
	}
}

// chunkRecv yields the next chunk of a stream and whether it belongs to a
// schema (true) or a batch (false). It returns io.EOF at the end.
type chunkRecv func() (c *pb.Chunk, schema bool, err error)

// readPayload reads chunks until one without More; the payload's kind is
// that of its first chunk. It returns io.EOF only at a payload boundary.
func readPayload(recv chunkRecv) ([]byte, bool, error) {
	var (
		payload  []byte
		isSchema bool
	)
	for i := 0; ; i++ {
		c, s, err := recv()
		if err != nil {
			if err == io.EOF && i > 0 {
				return nil, false, fmt.Errorf("%w: stream ended inside a chunked payload", ErrBadBatch)
			}
			return nil, false, err
		}
		if i == 0 {
			isSchema = s
			if !c.GetMore() {
				return c.GetData(), s, nil // common case: no copy
			}
		} else if s != isSchema {
			return nil, false, fmt.Errorf("%w: schema and batch chunks interleaved", ErrBadBatch)
		}
		payload = append(payload, c.GetData()...)
		if !c.GetMore() {
			return payload, isSchema, nil
		}
	}
}

// decodeSchema reads the schema at the head of an IPC stream.
func decodeSchema(payload []byte) (*arrow.Schema, error) {
	r, err := ipc.NewReader(bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("%w: undecodable schema: %v", ErrBadBatch, err)
	}
	defer r.Release()
	return r.Schema(), nil
}

// decodeBatches decodes every batch of an IPC stream payload and checks
// that its schema is want.
func decodeBatches(payload []byte, want *arrow.Schema, mem memory.Allocator) ([]arrow.RecordBatch, error) {
	r, err := ipc.NewReader(bytes.NewReader(payload), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("%w: undecodable Arrow IPC: %v", ErrBadBatch, err)
	}
	defer r.Release()
	if !r.Schema().Equal(want) {
		return nil, fmt.Errorf("%w: schema changed mid-stream: got %s, want %s", ErrBadBatch, schemaString(r.Schema()), schemaString(want))
	}
	var out []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
		for _, rec := range out {
			rec.Release()
		}
		return nil, fmt.Errorf("%w: undecodable Arrow IPC: %v", ErrBadBatch, err)
	}
	return out, nil
}

// streamReader is a connectors.RecordReader over a stream of IPC chunks:
// the host's view of a plugin's Scan, or a plugin's view of the host's
// Write. Calls must not overlap; to interrupt a blocked Next, cancel the
// context passed to it.
type streamReader struct {
	who    string // prefixes errors, e.g. `connector "jsonl": source "people"`
	recv   chunkRecv
	mapErr func(ctx context.Context, err error) error
	cancel context.CancelFunc // ends the underlying stream; may be nil
	mem    memory.Allocator
	schema *arrow.Schema

	queue   []arrow.RecordBatch
	batches int
	err     error // sticky

	closeOnce sync.Once
}

var _ connectors.RecordReader = (*streamReader)(nil)

// readSchema reads the schema payload that opens the stream.
func (r *streamReader) readSchema(ctx context.Context) error {
	payload, isSchema, err := readPayload(r.recv)
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%s: stream ended before its schema", r.who)
		}
		return fmt.Errorf("%s: %w", r.who, r.mapErr(ctx, err))
	}
	if !isSchema {
		return fmt.Errorf("%s: %w: stream did not start with a schema", r.who, ErrBadBatch)
	}
	s, err := decodeSchema(payload)
	if err != nil {
		return fmt.Errorf("%s: %w", r.who, err)
	}
	r.schema = s
	return nil
}

// Schema implements connectors.RecordReader.
func (r *streamReader) Schema() *arrow.Schema { return r.schema }

// Next implements connectors.RecordReader: the next batch, or io.EOF.
// Cancelling ctx ends the remote stream.
func (r *streamReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if len(r.queue) > 0 {
		rec := r.queue[0]
		r.queue = r.queue[1:]
		return rec, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.cancel != nil {
		stop := context.AfterFunc(ctx, r.cancel)
		defer stop()
	}
	for {
		payload, isSchema, err := readPayload(r.recv)
		if err == io.EOF {
			r.err = io.EOF
			return nil, io.EOF
		}
		if err != nil {
			if !errors.Is(err, ErrBadBatch) {
				err = r.mapErr(ctx, err)
			}
			r.err = fmt.Errorf("%s: batch %d: %w", r.who, r.batches+1, err)
			return nil, r.err
		}
		if isSchema {
			r.err = fmt.Errorf("%s: batch %d: %w: a second schema mid-stream", r.who, r.batches+1, ErrBadBatch)
			return nil, r.err
		}
		r.batches++
		recs, err := decodeBatches(payload, r.schema, r.mem)
		if err != nil {
			r.err = fmt.Errorf("%s: batch %d: %w", r.who, r.batches, err)
			return nil, r.err
		}
		if len(recs) == 0 {
			continue
		}
		r.queue = recs[1:]
		return recs[0], nil
	}
}

// Close implements connectors.RecordReader: it releases queued batches
// and cancels the remote stream.
func (r *streamReader) Close() error {
	r.closeOnce.Do(func() {
		if r.cancel != nil {
			r.cancel()
		}
	})
	for _, rec := range r.queue {
		rec.Release()
	}
	r.queue = nil
	return nil
}

// prefetchReader reads the next batch of inner (on the host: a receive
// and an IPC decode) on its own goroutine while the caller still works on
// the previous one, so DuckDB ingests batch n while batch n+1 arrives. At
// most one batch waits in the hand-over.
type prefetchReader struct {
	inner  connectors.RecordReader
	next   chan prefetched
	done   chan struct{}      // closed by stop: nobody will receive any more
	cancel context.CancelFunc // stops the goroutine and the remote stream
	err    error              // sticky: io.EOF or the first error
	once   sync.Once
}

type prefetched struct {
	rec arrow.RecordBatch
	err error
}

// prefetch starts reading inner under ctx; cancel must end ctx (and so
// inner's stream, where the goroutine may be blocked in a receive).
func prefetch(ctx context.Context, cancel context.CancelFunc, inner connectors.RecordReader) *prefetchReader {
	p := &prefetchReader{inner: inner, next: make(chan prefetched), done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(p.next)
		for {
			rec, err := inner.Next(ctx)
			if err == nil && rec == nil {
				err = errors.New("connector bug: Next returned a nil batch and no error")
			}
			// Hand over until stop, not until ctx ends: the error that
			// explains a cancelled stream must not be dropped.
			select {
			case p.next <- prefetched{rec, err}:
			case <-p.done:
				if rec != nil {
					rec.Release()
				}
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

// Schema implements connectors.RecordReader.
func (p *prefetchReader) Schema() *arrow.Schema { return p.inner.Schema() }

// Next implements connectors.RecordReader. Cancelling ctx ends the
// remote stream.
func (p *prefetchReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if p.err != nil {
		return nil, p.err
	}
	select {
	case it, ok := <-p.next:
		switch {
		case !ok: // the stream's own context ended
			p.err = context.Canceled
			if err := ctx.Err(); err != nil {
				p.err = err
			}
		case it.err != nil:
			p.err = it.err
		default:
			return it.rec, nil
		}
	case <-ctx.Done():
		p.cancel()
		p.err = ctx.Err()
	}
	return nil, p.err
}

// stop ends the goroutine and releases a batch waiting in the hand-over;
// inner stays open.
func (p *prefetchReader) stop() {
	p.once.Do(func() {
		close(p.done)
		p.cancel()
		for it := range p.next {
			if it.rec != nil {
				it.rec.Release()
			}
		}
	})
}

// Close implements connectors.RecordReader: stop, then close inner.
func (p *prefetchReader) Close() error {
	p.stop()
	return p.inner.Close()
}

// schemaString is a schema on one line, for error messages:
// "(id int64, name utf8)".
func schemaString(s *arrow.Schema) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, f := range s.Fields() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Name + " " + f.Type.String())
	}
	b.WriteByte(')')
	return b.String()
}
