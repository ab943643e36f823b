package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// SeenSource reports whether source's subjects are kept in subject_seen:
// a people source with a retention period.
func SeenSource(src *config.Source) bool {
	return src.Role == config.RolePeople && !src.Retention.IsZero()
}

// ExpiredSubjects returns the subject_keys whose retention from source
// has run out as of now (sql/seen_expired.sql): nil for a source whose
// subjects are not kept, or that counts from last_seen.
func ExpiredSubjects(ctx context.Context, c *sql.Conn, src *config.Source, now time.Time) ([]string, error) {
	if !SeenSource(src) || src.RetentionFrom == config.RetentionFromLastSeen {
		return nil, nil
	}
	q, err := renderQuery("seen_expired", nil)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, q, engine.Params{"source": src.Name, "cutoff": src.Retention.Cutoff(now).UTC()}.Args()...)
	if err != nil {
		return nil, fmt.Errorf("source %q: expired subjects: %w", src.Name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ExpireSeen records, for every people source, whose retention has run
// out as of now (sql/seen_expire.sql): a first_seen source's subjects are
// marked expired, a last_seen source's are forgotten. It returns how many
// subjects each source expired. c must be in the caller's transaction.
func ExpireSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	for _, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		if !SeenSource(src) {
			continue
		}
		data := map[string]any{"LastSeen": src.RetentionFrom == config.RetentionFromLastSeen}
		n, err := execCount(ctx, c, "seen_expire", data, engine.Params{"source": name, "cutoff": src.Retention.Cutoff(now).UTC(), "now": now.UTC()})
		if err != nil {
			return nil, fmt.Errorf("source %q: retention: %w", name, err)
		}
		out[name] = n
	}
	return out, nil
}

// renderQuery renders one statement of sql/ without its final semicolon.
func renderQuery(name string, data any) (string, error) {
	s, err := engine.Render(name, data)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(s), ";"), nil
}

// execCount runs one statement of sql/ and returns the rows it changed.
func execCount(ctx context.Context, c *sql.Conn, name string, data any, p engine.Params) (int64, error) {
	q, err := renderQuery(name, data)
	if err != nil {
		return 0, err
	}
	res, err := c.ExecContext(ctx, q, p.Args()...)
	if err != nil {
		return 0, fmt.Errorf("%s.sql: %w", name, err)
	}
	return res.RowsAffected()
}
