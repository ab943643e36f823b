package main

import (
	"context"
	"errors"
	"io"
)

// Placeholder until the suppression commands land (issue 5).
var errNotYet = errors.New("not implemented yet")

func cmdSuppress(ctx context.Context, args []string, stdout, stderr io.Writer) error   { return errNotYet }
func cmdRestrict(ctx context.Context, args []string, stdout, stderr io.Writer) error   { return errNotYet }
func cmdUnrestrict(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func cmdObject(ctx context.Context, args []string, stdout, stderr io.Writer) error     { return errNotYet }
