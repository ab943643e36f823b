package plugin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/example/pipeline/connectors"
)

// Errors the host-side adapters wrap; test with errors.Is.
var (
	// ErrUnsupported: the connector lacks the capability asked for (it
	// also matches errors.ErrUnsupported).
	ErrUnsupported = fmt.Errorf("connector plugin: capability not supported: %w", errors.ErrUnsupported)
	// ErrBadBatch: a batch could not be decoded or changed schema.
	ErrBadBatch = errors.New("connector plugin: bad batch")
	// ErrExited: the connector process died or the connection to it broke.
	ErrExited = errors.New("connector plugin: process exited")
	// ErrNotFound: no built-in or external connector has that name.
	ErrNotFound = errors.New("connector plugin: no such connector")
)

// toStatus turns a connector's error into a gRPC status (plugin side), so
// that the host can tell bad options, missing capabilities and
// cancellation from other failures.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	code := codes.Unknown
	switch {
	case errors.Is(err, connectors.ErrBadOptions):
		code = codes.InvalidArgument
	case errors.Is(err, errors.ErrUnsupported):
		code = codes.Unimplemented
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, ErrBadBatch):
		code = codes.DataLoss
	}
	return status.Error(code, err.Error())
}

// fromStatus turns a gRPC error back into a Go error wrapping the right
// sentinel (host side). ctx is the caller's context; diag, when set, adds
// what is known of the process (exit status, stderr) to transport errors.
func fromStatus(ctx context.Context, err error, diag func(error) error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%w (%v)", ctxErr, err)
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	msg := st.Message()
	switch st.Code() {
	case codes.InvalidArgument:
		return fmt.Errorf("%w: %s", connectors.ErrBadOptions, strings.TrimPrefix(msg, connectors.ErrBadOptions.Error()+": "))
	case codes.Unimplemented:
		return fmt.Errorf("%w: %s", ErrUnsupported, msg)
	case codes.Canceled:
		return fmt.Errorf("%w: %s", context.Canceled, msg)
	case codes.DeadlineExceeded:
		return fmt.Errorf("%w: %s", context.DeadlineExceeded, msg)
	case codes.DataLoss:
		return fmt.Errorf("%w: %s", ErrBadBatch, strings.TrimPrefix(msg, ErrBadBatch.Error()+": "))
	case codes.Unavailable, codes.Internal:
		e := fmt.Errorf("%w: %s", ErrExited, msg)
		if diag != nil {
			return diag(e)
		}
		return e
	default:
		if diag != nil {
			return diag(errors.New(msg))
		}
		return errors.New(msg)
	}
}

func statusOf(err error) (*status.Status, bool) {
	st, ok := status.FromError(err)
	return st, ok && st.Code() != codes.Unknown
}
