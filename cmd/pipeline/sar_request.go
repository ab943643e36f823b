package main

import (
	"context"

	"github.com/example/pipeline/pipeline/rights"
)

// checkedRequestKey carries, in a rights command's context, the
// registered request withRequest checked it answers (--request ID).
type checkedRequestKey struct{}

func withCheckedRequest(ctx context.Context, r rights.Request) context.Context {
	return context.WithValue(ctx, checkedRequestKey{}, r)
}

// checkedRequest is the request the command answers, if --request gave one.
func checkedRequest(ctx context.Context) (rights.Request, bool) {
	r, ok := ctx.Value(checkedRequestKey{}).(rights.Request)
	return r, ok
}
