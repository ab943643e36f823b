package rights

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
)

// leftoverDirs adds the staged exports of unfinished runs (warehouse.Leftovers)
// to scan and names them in dirs after their export, marked as unfinished.
func leftoverDirs(cfg *config.Config, dirs map[string]string, scan map[string]bool) error {
	l, err := warehouse.Leftovers(cfg)
	if err != nil {
		return fmt.Errorf("staged exports of unfinished runs: %w", err)
	}
	for _, d := range l {
		label := filepath.Base(d)
		if strings.HasPrefix(label, "shard-") { // a sharded run's part files, not yet committed
			label = filepath.Base(filepath.Dir(d)) + "/" + label
		}
		name := strings.TrimPrefix(label, ".")
		for _, n := range cfg.ExportOrder {
			if strings.HasPrefix(name, n+".") {
				name = n + " (unfinished run: " + label + ")"
			}
		}
		dirs[d] = name
		scan[d] = true
	}
	return nil
}

// removeLeftovers removes the staged exports of unfinished runs before an
// erasure: they belong to no live run (the caller holds the warehouse
// lock). One that cannot be removed stops the erasure (fail closed).
func removeLeftovers(cfg *config.Config, log zerolog.Logger) error {
	removed, err := warehouse.RemoveLeftovers(cfg)
	for _, p := range removed {
		log.Warn().Str("dir", p).Msg("removed the staged export of an unfinished run")
	}
	if err != nil {
		return fmt.Errorf("erase: %w; remove these folders by hand, then run erase again", err)
	}
	return nil
}
