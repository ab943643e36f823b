package flow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// Retention counts, per subject and people source, from when the subject
// was first staged from the source (or last, retention_from: last_seen):
// the subject_seen table, which every run keeps (sql/seen_*.sql). The raw
// tables are staged afresh by every run, so their _loaded_at is always
// the last run's: it cannot expire anyone still in a source's files.

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
	rows, err := c.QueryContext(ctx, q, params{"source": src.Name, "cutoff": src.Retention.Cutoff(now).UTC()}.Args()...)
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
		n, err := execCount(ctx, c, "seen_expire", data, params{"source": name, "cutoff": src.Retention.Cutoff(now).UTC(), "now": now.UTC()})
		if err != nil {
			return nil, fmt.Errorf("source %q: retention: %w", name, err)
		}
		out[name] = n
	}
	return out, nil
}

// loadExpired reads, before the sources are staged, the subjects each
// people source must refuse (ExpiredSubjects as of the run's start).
func (rn *run) loadExpired(ctx context.Context, c *sqlConn) error {
	rn.expired = map[string][]string{}
	for _, name := range rn.Config.SourceOrder {
		keys, err := ExpiredSubjects(ctx, c, rn.Config.Sources[name], rn.started)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			rn.expired[name] = keys
		}
	}
	return nil
}

// screenExpired gives the stage's screen the subjects expired from
// source name while it is staged; done ends that and returns how many
// rows it refused.
func (rn *run) screenExpired(name string) (done func() (int64, error), err error) {
	if err := rn.db.SetExpiredEmails(rn.expired[name]); err != nil {
		return nil, err
	}
	n0 := rn.db.Expired()
	return func() (int64, error) {
		return rn.db.Expired() - n0, rn.db.SetExpiredEmails(nil)
	}, nil
}

// recordSeen is the run's retention bookkeeping, in its last transaction
// after prospects are rebuilt: every subject this run staged from a people
// source is recorded as seen now (sql/seen_record.sql), then subjects past
// retention are expired (ExpireSeen; in this order, so that a last_seen
// source's subjects still in its files are not forgotten).
func (rn *run) recordSeen(ctx context.Context, c *sqlConn) error {
	for _, name := range rn.Config.SourceOrder {
		src, info := rn.Config.Sources[name], rn.sources[name]
		if !SeenSource(src) || info == nil {
			continue
		}
		data := map[string]any{"Staged": info.Staged, "Email": hasColumn(info.Columns, "email"), "Prospects": true}
		if err := rn.exec(ctx, c, "seen_record", data, params{"source": name, "now": rn.started}); err != nil {
			return fmt.Errorf("source %q: record subjects seen: %w", name, err)
		}
	}
	expired, err := ExpireSeen(ctx, c, rn.Config, rn.started)
	if err != nil {
		return err
	}
	for name, n := range expired {
		if n > 0 {
			rn.Log.Info().Str("source", name).Int64("subjects", n).Msg("subjects past retention expired")
		}
	}
	return nil
}

func hasColumn(cols []string, name string) bool {
	for _, c := range cols {
		if c == name {
			return true
		}
	}
	return false
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
func execCount(ctx context.Context, c *sql.Conn, name string, data any, p params) (int64, error) {
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

// expiredNote adds to a stage row's note how many rows the retention
// screen refused.
func expiredNote(note string, expired int64) string {
	if expired == 0 {
		return note
	}
	if note != "" {
		note += "; "
	}
	return note + fmt.Sprintf("%d rows expired (subjects past the source's retention, not staged again)", expired)
}
