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

// SeenSource reports whether source's subjects are kept in subject_seen
// (seenfiles.go):
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

// renderQuery renders one statement of sql/ without its final semicolon.
func renderQuery(name string, data any) (string, error) {
	s, err := engine.Render(name, data)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(s), ";"), nil
}
