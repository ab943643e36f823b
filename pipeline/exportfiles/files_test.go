package exportfiles

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/engine/enginetest"
)

// export writes a bucketed export folder with DuckDB: GB holds buckets a
// (the subject and one other row) and b; IE bucket a holds only the
// subject; a file of bucket f is not Parquet at all, so reading it would
// fail.
func export(t *testing.T) (root string, files *Files, subject string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c := enginetest.Conn(t)
	root = filepath.Join(dir, "exports", "x")
	subject = "a1subject"
	for _, f := range []struct {
		path string
		keys []string
	}{
		{"country=GB/part-a-0.parquet", []string{subject, "a2other"}},
		{"country=GB/part-b-0.parquet", []string{"b1other"}},
		{"country=IE/part-a-0.parquet", []string{subject}},
	} {
		p := filepath.Join(root, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "COPY (SELECT unnest(CAST($1 AS VARCHAR[])) AS subject_key, 'x' AS email) TO '"+p+"' (FORMAT parquet)", f.keys); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "country=GB", "part-f-0.parquet"), []byte("not parquet"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Build(ctx, filepath.Join(root, "country=GB"), nil) // the broken file is outside a readable manifest
	_ = m
	if err == nil {
		t.Fatal("Build read the broken file without error")
	}
	if err := os.Rename(filepath.Join(root, "country=GB", "part-f-0.parquet"), filepath.Join(dir, "broken")); err != nil {
		t.Fatal(err)
	}
	if m, err = manifest.Build(ctx, root, map[string]string{"run_id": "r"}); err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(root, m); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "broken"), filepath.Join(root, "country=GB", "part-f-0.parquet")); err != nil {
		t.Fatal(err)
	}
	return root, &Files{Conn: c}, subject
}

// TestLocateReadsOnlyTheSubjectsBucket: Locate finds the subject in both
// files of its bucket and never opens another bucket's file (the broken
// part-f file would fail the read).
func TestLocateReadsOnlyTheSubjectsBucket(t *testing.T) {
	root, files, subject := export(t)
	locs, err := files.Locate(context.Background(), connectors.Options{"dir": root}, subject)
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 2 || filepath.Base(filepath.Dir(locs[0].Place)) != "country=GB" || locs[0].Rows != 1 || locs[1].Rows != 1 {
		t.Errorf("Locate = %+v", locs)
	}
}

// TestEraseRewritesOnlyTheSubjectsFiles: Erase rewrites the subject's
// GB file, removes the IE file and its emptied folder, leaves the other
// bucket's file as it was, and the manifest matches the disk. A second
// Erase changes nothing.
func TestEraseRewritesOnlyTheSubjectsFiles(t *testing.T) {
	ctx := context.Background()
	root, files, subject := export(t)
	other := filepath.Join(root, "country=GB", "part-b-0.parquet")
	before, _ := os.ReadFile(other)
	st0, _ := os.Stat(other)
	n, err := files.Erase(ctx, connectors.Options{"dir": root}, subject)
	if err != nil || n != 2 {
		t.Fatalf("Erase = %d, %v; want 2 rows", n, err)
	}
	if _, err := os.Stat(filepath.Join(root, "country=IE")); !os.IsNotExist(err) {
		t.Errorf("country=IE left behind: %v", err)
	}
	after, _ := os.ReadFile(other)
	st1, _ := os.Stat(other)
	if !bytes.Equal(before, after) || !st0.ModTime().Equal(st1.ModTime()) {
		t.Error("the other bucket's file changed")
	}
	if locs, err := files.Locate(ctx, connectors.Options{"dir": root}, subject); err != nil || len(locs) != 0 {
		t.Errorf("after Erase, Locate = %+v, %v", locs, err)
	}
	m, err := manifest.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 2 || len(m.Files) != 2 || m.Files[0].Path != "country=GB/part-a-0.parquet" || m.Files[0].Rows != 1 {
		t.Errorf("manifest after Erase: %+v", m)
	}
	if n, err := files.Erase(ctx, connectors.Options{"dir": root}, subject); err != nil || n != 0 {
		t.Errorf("second Erase = %d, %v", n, err)
	}
}
