package flow

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Retention counts, per subject and people source, from when the subject
// was first staged from the source (or last, retention_from: last_seen):
// subject_seen, which every run keeps (sql/seen_*.sql; Parquet files
// beside the warehouse, warehouse/seenfiles.go). The raw
// tables are staged afresh by every run, so their _loaded_at is always
// the last run's: it cannot expire anyone still in a source's files.

// loadExpired reads, before the sources are staged, the subjects each
// people source must refuse (ExpiredSubjects as of the run's start).
func (rn *run) loadExpired(ctx context.Context, c *sqlConn) error {
	rn.expired = map[string][]string{}
	for _, name := range rn.Config.SourceOrder {
		keys, err := warehouse.ExpiredSubjects(ctx, c, rn.Config.Sources[name], rn.started)
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
// source is recorded as seen now (sql/seen_now.sql: the keys the stage
// collected, engine.CollectSubjects, and prospects' derived subjects),
// then subjects past retention are expired (in this order, so that a
// last_seen source's subjects still in its files are not forgotten), into
// a new generation of subject_seen's files (warehouse.WriteSeen) that the
// view points at from this transaction on (warehouse.PromoteSeen). If the
// run does not commit, dropNext deletes the files; once it has, CleanRaw
// deletes the previous generation. `pipeline validate` records the
// statements only.
func (rn *run) recordSeen(ctx context.Context, c *sqlConn) error {
	defer func() {
		// the stage's keys, 32 bytes a staged row, go back to the system
		// now: the run's commit and export follow
		rn.db.ForgetSubjects()
		debug.FreeOSMemory()
	}()
	seen := warehouse.SeenNow{Prospects: true}
	for _, name := range rn.Config.SourceOrder {
		src, info := rn.Config.Sources[name], rn.sources[name]
		if !warehouse.SeenSource(src) || info == nil {
			continue
		}
		seen.Sources = append(seen.Sources, warehouse.SeenNowSource{Name: name, Email: hasColumn(info.Columns, "email")})
	}
	if recorderOf(ctx) != nil {
		data, _ := seen.Data()
		data["LastSeen"] = true
		for _, name := range []string{"seen_work", "seen_expired_counts", "seen_write"} {
			record(ctx, name, engine.MustRender(name, data))
		}
		return nil
	}
	t0 := time.Now()
	dir, expired, err := warehouse.WriteSeen(ctx, c, rn.Config, rn.started, rn.id, seen)
	rn.seenDir = dir
	if err != nil {
		return err
	}
	if err := warehouse.PromoteSeen(ctx, c, dir, rn.id); err != nil {
		return err
	}
	rn.Log.Debug().Str("stage", rn.stageName).Str("sql", "seen_write.sql").Dur("took_ms", time.Since(t0)).Msg("sql")
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
