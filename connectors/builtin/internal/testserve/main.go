// Command testserve stands in for `pipeline connector serve NAME` in
// tests: it serves the built-in connectors without the engine.
package main

import (
	"fmt"
	"os"

	"github.com/example/pipeline/connectors/builtin"
)

func main() {
	if len(os.Args) != 4 || os.Args[1] != "connector" || os.Args[2] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: testserve connector serve NAME")
		os.Exit(2)
	}
	if err := builtin.Serve(os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
