package durable

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "j.json")
	for _, v := range []map[string]int{{"a": 1}, {"b": 2}} {
		if err := WriteJSON(path, v); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]int
		if err := json.Unmarshal(b, &got); err != nil || len(got) != 1 || got["a"]+got["b"] == 0 {
			t.Fatalf("read back %s (%v), wrote %v", b, err, v)
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if dst, _ := os.Stat(filepath.Dir(path)); dst.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v, want 0700", dst.Mode().Perm())
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatalf("temp file left: %v", err)
	}
	if err := WriteJSON(path, func() {}); err == nil {
		t.Fatal("a value JSON cannot encode was written")
	}
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		wantErr bool
	}{
		{file, false},
		{dir, false},
		{filepath.Join(dir, "missing"), true},
	} {
		if err := Sync(tc.path); (err != nil) != tc.wantErr {
			t.Errorf("Sync(%s) = %v, want error %v", tc.path, err, tc.wantErr)
		}
	}
}
