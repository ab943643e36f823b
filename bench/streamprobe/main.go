// Command streamprobe splits the plugin streaming path into its parts:
// the connector alone (in-process), the connector over go-plugin without
// DuckDB, and DuckDB ingesting in-memory Arrow batches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
)

func main() {
	path := flag.String("path", "", "file for the connector's path option")
	name := flag.String("connector", "jsonl", "connector name")
	dir := flag.String("plugin-dir", "bin", "plugin folder")
	cpuprofile := flag.String("cpuprofile", "", "write the host's CPU profile here")
	flag.Parse()
	ctx := context.Background()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			panic(err)
		}
		defer pprof.StopCPUProfile()
	}
	reg := plugin.NewRegistry(plugin.RegistryOptions{PluginDirs: []string{*dir}, Stderr: os.Stderr})
	src, closer, err := reg.OpenSource(ctx, *name)
	if err != nil {
		panic(err)
	}
	defer closer.Close()
	t0 := time.Now()
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "probe", Options: connectors.Options{"path": *path}})
	if err != nil {
		panic(err)
	}
	var rows, batches int64
	for {
		rec, err := scan.Records.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
		rows += rec.NumRows()
		batches++
		rec.Release()
	}
	s := time.Since(t0).Seconds()
	fmt.Printf("plugin, no DuckDB: %d rows in %d batches, %.2f s, %.0f rows/s\n", rows, batches, s, float64(rows)/s)
}
