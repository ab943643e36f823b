package flow

import (
	"context"
)

// validation waits for the configuration check, if one runs alongside.
func (rn *run) validation() error {
	if rn.validated == nil {
		return nil
	}
	return rn.validated()
}

// validation is a configuration check running alongside a run's first
// work (staging, hashing the suppression lists): reading sources and
// writing this run's own raw files, nothing another reader sees. The run
// waits for it before its first COMMIT, and a failure cancels the run at
// once.
type validation struct {
	done   chan struct{}
	err    error
	cancel context.CancelCauseFunc
}

// startValidation runs check in the background; the returned context is
// cancelled when it fails.
func startValidation(ctx context.Context, check func(context.Context) error) (*validation, context.Context) {
	runCtx, cancel := context.WithCancelCause(ctx)
	v := &validation{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(v.done)
		// an interrupted check is no verdict: the run, interrupted too,
		// is recorded as such
		if err := check(ctx); err != nil && ctx.Err() == nil {
			v.err = err
			cancel(err)
		}
	}()
	return v, runCtx
}

// stop waits for the check and releases the run's context.
func (v *validation) stop() {
	v.wait()
	v.cancel(nil)
}

// wait returns the check's error once it has finished (nil for no check).
func (v *validation) wait() error {
	if v == nil {
		return nil
	}
	<-v.done
	return v.err
}
