// Command sizes reports the hand-written Go files over MaxFileLines lines
// and the functions (outside tests) over MaxFuncLines lines under the
// given folders (by default cmd, pipeline and connectors), except
// functions whose doc comment says why they must be one piece (it
// contains "one piece").
// Generated files ("Code generated ... DO NOT EDIT.") are skipped. It
// exits 1 when it reports anything.
//
//	go run ./scripts/sizes [dir...]
package main

import (
	"fmt"
	"os"
)

func main() {
	dirs := os.Args[1:]
	if len(dirs) == 0 {
		dirs = []string{"cmd", "pipeline", "connectors"}
	}
	vs, err := Check(dirs...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sizes:", err)
		os.Exit(2)
	}
	for _, v := range vs {
		fmt.Println(v)
	}
	if len(vs) > 0 {
		os.Exit(1)
	}
}
