package main

import (
	"context"
	"io"
)

// Placeholders until the rights commands land (issue 6).
func cmdSar(ctx context.Context, args []string, stdout, stderr io.Writer) error   { return errNotYet }
func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func cmdPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
