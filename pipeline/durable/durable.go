// Package durable writes small state files (journals, anchors) so that a
// crash leaves either the old file or the new one, never a torn one.
package durable

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// WriteJSON writes v as indented JSON to path atomically and durably: a
// 0600 temp file beside it (its folder created 0700), fsync, rename, fsync
// of the folder (so the rename itself survives a power cut). On
// error path is left as it was; a stale path+".tmp" may remain and is
// overwritten by the next call.
func WriteJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return Sync(filepath.Dir(path))
}

// Sync flushes a file, or a folder's entries (after a rename or a remove
// in it), to disk. It returns the open or fsync error.
func Sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
