package postgres

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/example/pipeline/connectors"
)

// DefaultBatchSize is the number of rows per Arrow batch a Source emits
// when the batch_size option is not set.
const DefaultBatchSize = 128 * 1024 // as sdk.BatchRows: measured best for DuckDB's Arrow ingest

func badOption(name, format string, args ...any) error {
	return fmt.Errorf("%w: postgres: option %q: %s", connectors.ErrBadOptions, name, fmt.Sprintf(format, args...))
}

// requireDSN returns the dsn option, checked to parse.
func requireDSN(opts connectors.Options) (string, error) {
	if v, ok := opts["dsn"]; ok && v != nil {
		if _, isString := v.(string); !isString {
			return "", badOption("dsn", "must be a string")
		}
	}
	dsn := opts.String("dsn")
	if strings.TrimSpace(dsn) == "" {
		return "", badOption("dsn", "required (for example ${CRM_DSN})")
	}
	if _, err := parseDSN(dsn); err != nil {
		return "", badOption("dsn", "%v", err)
	}
	return dsn, nil
}

// intOption reads an integer option given as a YAML/JSON number or a
// numeric string; def when absent.
func intOption(opts connectors.Options, name string, def int) (int, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return def, nil
	}
	switch n := v.(type) {
	case int:
		return n, nil
	case int32:
		return int(n), nil
	case int64:
		return int(n), nil
	case uint64:
		if n > math.MaxInt32 {
			return 0, badOption(name, "too large")
		}
		return int(n), nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			return 0, badOption(name, "must be an integer")
		}
		return int(n), nil
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			return 0, badOption(name, "must be an integer, got %q", n)
		}
		return i, nil
	}
	return 0, badOption(name, "must be an integer, got %T", v)
}

// tableName is a possibly schema-qualified table name from options.
type tableName struct {
	schema string // "" when unqualified
	name   string
}

// parseTable splits "schema.table" (or "table"). Parts may be double-quoted
// to hold dots or capitals: "My Schema"."Table".
func parseTable(s string) (tableName, error) {
	parts, err := splitIdent(strings.TrimSpace(s))
	if err != nil {
		return tableName{}, err
	}
	switch len(parts) {
	case 1:
		return tableName{name: parts[0]}, nil
	case 2:
		return tableName{schema: parts[0], name: parts[1]}, nil
	}
	return tableName{}, fmt.Errorf("want table or schema.table, got %d parts", len(parts))
}

func splitIdent(s string) ([]string, error) {
	var parts []string
	for {
		if s == "" {
			return nil, fmt.Errorf("empty name")
		}
		var part string
		if s[0] == '"' {
			var b strings.Builder
			i := 1
			for ; ; i++ {
				if i >= len(s) {
					return nil, fmt.Errorf("unterminated quoted name")
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(s[i])
			}
			part, s = b.String(), s[i+1:]
		} else {
			j := strings.IndexByte(s, '.')
			if j < 0 {
				j = len(s)
			}
			// Unquoted names fold to lower case, as in PostgreSQL.
			part, s = strings.ToLower(s[:j]), s[j:]
		}
		if part == "" {
			return nil, fmt.Errorf("empty name")
		}
		parts = append(parts, part)
		if s == "" {
			return parts, nil
		}
		if s[0] != '.' {
			return nil, fmt.Errorf("unexpected %q after name", s[0])
		}
		s = s[1:]
	}
}

// sql is the quoted form for SQL text: "schema"."table".
func (t tableName) sql() string {
	if t.schema == "" {
		return pgx.Identifier{t.name}.Sanitize()
	}
	return pgx.Identifier{t.schema, t.name}.Sanitize()
}

// sibling is a table in the same schema with another name.
func (t tableName) sibling(name string) tableName {
	return tableName{schema: t.schema, name: name}
}

// String is the unquoted schema.table, as reported to the host.
func (t tableName) String() string {
	if t.schema == "" {
		return t.name
	}
	return t.schema + "." + t.name
}

// quoteIdent quotes one identifier.
func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }
