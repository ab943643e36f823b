package csv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/example/pipeline/connectors"
)

func TestDialectOptions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, []byte("a;b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		give    connectors.Options
		want    map[string]string
		wantErr string
	}{
		{"none", connectors.Options{}, map[string]string{}, ""},
		{"all", connectors.Options{"delimiter": ";", "quote": "'", "escape": `\`, "header": false, "newline": "CRLF", "encoding": "latin-1"},
			map[string]string{"delim": ";", "quote": "'", "escape": `\`, "header": "false", "new_line": `\r\n`, "encoding": "latin-1"}, ""},
		{"delim alias and tab", connectors.Options{"delim": `\t`}, map[string]string{"delim": "\t"}, ""},
		{"no quote", connectors.Options{"quote": ""}, map[string]string{"quote": ""}, ""},
		{"both delimiters", connectors.Options{"delim": ";", "delimiter": ";"}, nil, "are the same option"},
		{"long delimiter", connectors.Options{"delimiter": ";;"}, nil, `option "delimiter": must be one character`},
		{"bad newline", connectors.Options{"newline": "\n"}, nil, `must be lf, crlf or cr`},
		{"header not bool", connectors.Options{"header": "yes"}, nil, `option "header": must be true or false`},
		{"unknown", connectors.Options{"sep": ";"}, nil, `unknown option "sep"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.give["path"] = path
			scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "s", Options: tt.give})
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, connectors.ErrBadOptions) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(scan.Native.Params, tt.want) {
				t.Errorf("params = %q, want %q", scan.Native.Params, tt.want)
			}
		})
	}
}
