package warehouse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// createdFiles are the paths of a warehouse that did not exist before a
// run (none when it did).
type createdFiles []string

// newWarehouseFiles lists the warehouse's file, its WAL and its raw folder
// when the warehouse does not exist yet.
func newWarehouseFiles(warehouse string) createdFiles {
	if _, err := os.Stat(warehouse); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var c createdFiles
	for _, p := range []string{warehouse, warehouse + ".wal", RawRoot(warehouse)} {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			c = append(c, p)
		}
	}
	return c
}

// remove deletes what the run created.
func (c createdFiles) remove() error {
	var errs []error
	for _, p := range c {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s, created by a run whose configuration did not validate: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
