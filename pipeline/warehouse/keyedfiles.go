package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/pipeline/engine"
)

// The keyed tables the run derives, prospects and deliverable (one row per
// subject, keyed by subject_key), are not kept in the warehouse file
// either: each run writes them as Parquet files under <raw root>/<table>/
// <run id>/, one folder per subject bucket, _bucket=X with X the first hex
// digit of subject_key (as subject_seen's, SeenBucket), beside an empty
// file naming the columns (so that the view reads with no row at all);
// the view <table> reads them, and raw_files records the folder with
// bucket column subject_key (KeyedBucketColumn). CleanRaw, repointRaw
// and the rights package's raw-file rewrites then treat them as they
// treat the raw tables: an erasure, a restriction or a rectification
// rewrites the subject's bucket file, and the warehouse file never holds
// their values, so the compaction that scrubs it after an erasure does
// not copy them. In an in-memory warehouse (`pipeline validate`) they
// stay tables.

// KeyedBucketColumn is raw_files' bucket column of a keyed table's files.
const KeyedBucketColumn = "subject_key"

// keyedBuckets is how many buckets a keyed table has: one per first hex
// digit of subject_key (SeenBucket).
const keyedBuckets = 16

// keyedColumnsFile is the empty file of a keyed table's folder that names
// its columns.
const keyedColumnsFile = "_columns.parquet"

// KeyedStore is keyed_store.sql's data: the temp relation From stored as
// table Table, into the folder Dir ("": as a table in the warehouse file).
type KeyedStore struct {
	Table, From, Dir, Compression string
}

// StoreKeyed writes the rows of the temp relation from as keyed table
// table: into a fresh folder for run runID (returned; "" when dir is off,
// an in-memory warehouse) that the view then reads, recorded in
// raw_files, all in the caller's transaction. If that does not commit,
// the folder is left for the caller to delete (or CleanRaw, which deletes
// every folder raw_files does not name); once it has, CleanRaw deletes the
// previous one.
func StoreKeyed(ctx context.Context, c *sql.Conn, warehouse, table, from, runID, compression string) (string, error) {
	d := KeyedStore{Table: table, From: from, Compression: compression}
	var p engine.Params
	if warehouse != "" {
		d.Dir = filepath.Join(RawRoot(warehouse), table, runID)
		if err := os.RemoveAll(d.Dir); err != nil { // a rerun's earlier write in this run
			return "", fmt.Errorf("%s: %w", table, err)
		}
		if err := os.MkdirAll(d.Dir, 0o700); err != nil {
			return "", fmt.Errorf("%s: %w", table, err)
		}
		p = engine.Params{"dir": d.Dir, "columns": filepath.Join(d.Dir, keyedColumnsFile)}
	}
	if err := engine.ExecScript(ctx, c, "keyed_store", d, p); err != nil {
		return d.Dir, fmt.Errorf("%s: %w", table, err)
	}
	if d.Dir == "" {
		return "", nil
	}
	// an earlier version's table of that name is dropped (DropRelation
	// marks the file for scrubbing: its rows stay in free blocks)
	l := RawLayout{Table: table, Dir: d.Dir, RunID: runID, Buckets: keyedBuckets, BucketColumn: KeyedBucketColumn, Compression: compression}
	if err := PromoteLayout(ctx, c, l); err != nil {
		return d.Dir, fmt.Errorf("%s: %w", table, err)
	}
	return d.Dir, nil
}

// Keyed reports whether l is a keyed table's files (StoreKeyed).
func (l RawLayout) Keyed() bool { return l.BucketColumn == KeyedBucketColumn }

// KeyedBucketFiles lists the files of keyed table l that may hold the
// subject with key: those of its bucket.
func KeyedBucketFiles(l RawLayout, key string) ([]string, error) {
	if !l.Keyed() {
		return nil, errors.New("not a keyed table's files")
	}
	return bucketFiles(l.Dir, key)
}
