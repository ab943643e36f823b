package suppress

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Audit actions written by this package.
const (
	ActionAdd        = "suppress.add"
	ActionImport     = "suppress.import"
	ActionRemove     = "suppress.remove"
	ActionRestrict   = "restrict"
	ActionUnrestrict = "unrestrict"
	ActionObject     = "object"
)

// AddRequest is one manual entry.
type AddRequest struct {
	Value   Value
	Reason  string
	Source  string     // "" = manual
	Expires *time.Time // nil = permanent
	Note    string     // never an email or phone (see CheckNote)
	Action  string     // audit action; "" = suppress.add
}

// AddResult says what Add did.
type AddResult struct {
	Added bool   // false: the same kind, value, source and reason was already stored
	Entry Entry  // the entry as requested
	Seq   int64  // the audit entry, when Added
	Scope string // person | phone
}

// Add stores one entry unless the same (kind, hash, source, reason) is
// there already, and audits it in the same transaction. Erasure tombstones
// are added by the erasure job, not here.
func (s *Store) Add(ctx context.Context, r AddRequest) (AddResult, error) {
	if r.Reason == "" {
		return AddResult{}, fmt.Errorf("%w: a reason is required", ErrUsage)
	}
	if r.Reason == ReasonErasure {
		return AddResult{}, fmt.Errorf("%w: erasure tombstones are written by `pipeline erase`", ErrUsage)
	}
	if r.Source == "" {
		r.Source = SourceManual
	}
	if r.Source == "sync" {
		return AddResult{}, fmt.Errorf("%w: source %q is reserved", ErrUsage, r.Source)
	}
	if err := checkExpiry(r.Reason, r.Expires); err != nil {
		return AddResult{}, err
	}
	if r.Action == "" {
		r.Action = ActionAdd
	}
	now, actor := s.now(), s.actor()
	e := Entry{Kind: r.Value.Kind, Hash: r.Value.Hash, Reason: r.Reason, Source: r.Source,
		AddedAt: now, AddedBy: actor, ExpiresAt: r.Expires, Note: r.Note}
	if r.Value.Kind == Domain {
		e.Domain = r.Value.Domain
	}
	res := AddResult{Entry: e, Scope: e.Scope()}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var value, note, expires any
		if e.Domain != "" {
			value = e.Domain
		}
		if e.Note != "" {
			note = e.Note
		}
		if e.ExpiresAt != nil {
			expires = *e.ExpiresAt
		}
		out, err := tx.ExecContext(ctx, engine.MustRender("suppress_add", nil),
			sql.Named("kind", string(e.Kind)), sql.Named("hash", e.Hash), sql.Named("value", value),
			sql.Named("reason", e.Reason), sql.Named("source", e.Source), sql.Named("now", now),
			sql.Named("actor", actor), sql.Named("expires", expires), sql.Named("note", note))
		if err != nil {
			return fmt.Errorf("add: %w", err)
		}
		n, _ := out.RowsAffected()
		if n == 0 {
			return nil
		}
		res.Added = true
		details := map[string]any{"kind": string(e.Kind), "reason": e.Reason, "source": e.Source, "scope": e.Scope()}
		if e.Domain != "" {
			details["domain"] = e.Domain
		}
		if e.ExpiresAt != nil {
			details["expires_at"] = e.ExpiresAt.Format(time.RFC3339)
		}
		a, err := audit.Append(ctx, tx, audit.Entry{At: now, Actor: actor, Action: r.Action, SubjectKey: e.Hash, Details: details})
		res.Seq = a.Seq
		return err
	})
	return res, err
}

// Restrict restricts processing of the person with this email: a
// kind=email, reason=restriction, source=manual entry. Restricted people
// stay in the warehouse but leave every export until Unrestrict.
func (s *Store) Restrict(ctx context.Context, email Value, note string) (AddResult, error) {
	if email.Kind != Email {
		return AddResult{}, fmt.Errorf("%w: restriction is by email", ErrUsage)
	}
	return s.Add(ctx, AddRequest{Value: email, Reason: ReasonRestriction, Note: note, Action: ActionRestrict})
}

// Object records an objection to processing (GDPR Art. 21): a permanent
// kind=email, reason=objection, source=manual entry.
func (s *Store) Object(ctx context.Context, email Value, note string) (AddResult, error) {
	if email.Kind != Email {
		return AddResult{}, fmt.Errorf("%w: an objection is recorded by email", ErrUsage)
	}
	return s.Add(ctx, AddRequest{Value: email, Reason: ReasonObjection, Note: note, Action: ActionObject})
}

// RemoveRequest selects the entries of one value to remove.
type RemoveRequest struct {
	Value  Value
	Source string // "" = any
	Reason string // "" = any
	Action string // audit action; "" = suppress.remove
}

// RemoveResult says what Remove did and what it kept.
type RemoveResult struct {
	Removed    int64
	Tombstones int      // erasure tombstones kept (never removed)
	Objections int      // objections kept (lifted only by Unobject)
	Synced     []string // list sources whose entries were kept: the next sync would restore them
	// Resyncable are list sources whose entries (of StickyReasons, which
	// a sync never removes) were removed: the next sync records them
	// again while the list file still holds the value.
	Resyncable []string
	Seq        int64 // the audit entry, when something was removed
}

// Remove deletes the value's manual and imported entries matching the
// request and audits it. It never removes an erasure tombstone or an
// objection: asking for reason erasure (ErrTombstone) or objection
// (ErrPermanent), or matching only such entries, is an error, and nothing
// is removed; they are kept and counted when other entries match. It
// leaves entries of mirrored lists alone, reporting their sources: remove
// the value from the list file instead. Entries of lists with a sticky
// reason (StickyReasons, an unsubscribe) are removed, since no sync
// removes them; Resyncable names their lists.
func (s *Store) Remove(ctx context.Context, r RemoveRequest) (RemoveResult, error) {
	if r.Reason == ReasonErasure {
		return RemoveResult{}, fmt.Errorf("%w: this subject was erased; the tombstone keeps them from coming back through any feed and cannot be removed", ErrTombstone)
	}
	if r.Reason == ReasonObjection {
		return RemoveResult{}, objectionRefusal()
	}
	if r.Action == "" {
		r.Action = ActionRemove
	}
	var res RemoveResult
	now, actor := s.now(), s.actor()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		matches, err := match(ctx, tx, r.Value, false)
		if err != nil {
			return err
		}
		synced, resync := map[string]bool{}, map[string]bool{}
		for _, m := range matches {
			if (r.Source != "" && m.Source != r.Source) || (r.Reason != "" && m.Reason != r.Reason) {
				continue
			}
			switch {
			case m.Reason == ReasonErasure:
				res.Tombstones++
			case m.Reason == ReasonObjection:
				res.Objections++
			case m.AddedBy == "sync" && Sticky(m.Reason):
				resync[m.Source] = true
			case m.AddedBy == "sync":
				synced[m.Source] = true
			}
		}
		res.Synced, res.Resyncable = sortedKeys(synced), sortedKeys(resync)
		out, err := tx.ExecContext(ctx, engine.MustRender("suppress_remove", nil),
			sql.Named("kind", string(r.Value.Kind)), sql.Named("hash", r.Value.Hash),
			sql.Named("source", r.Source), sql.Named("reason", r.Reason), sql.Named("sticky", StickyReasons))
		if err != nil {
			return fmt.Errorf("remove: %w", err)
		}
		res.Removed, _ = out.RowsAffected()
		if res.Removed > 0 { // their notes stay in the file's free blocks
			if err := warehouse.MarkScrub(ctx, tx, warehouse.ScrubSuppressionDeleted); err != nil {
				return err
			}
		}
		if res.Removed == 0 {
			switch {
			case res.Tombstones > 0:
				return fmt.Errorf("%w: this subject was erased; the tombstone keeps them from coming back through any feed and cannot be removed", ErrTombstone)
			case res.Objections > 0:
				return objectionRefusal()
			}
			return nil
		}
		details := map[string]any{"kind": string(r.Value.Kind), "removed": res.Removed}
		if r.Source != "" {
			details["source"] = r.Source
		}
		if r.Reason != "" {
			details["reason"] = r.Reason
		}
		if r.Value.Kind == Domain {
			details["domain"] = r.Value.Domain
		}
		a, err := audit.Append(ctx, tx, audit.Entry{At: now, Actor: actor, Action: r.Action, SubjectKey: r.Value.Hash, Details: details})
		res.Seq = a.Seq
		return err
	})
	return res, err
}

// Unrestrict lifts a restriction made with Restrict (manual restriction
// entries only).
func (s *Store) Unrestrict(ctx context.Context, email Value) (RemoveResult, error) {
	if email.Kind != Email {
		return RemoveResult{}, fmt.Errorf("%w: restriction is by email", ErrUsage)
	}
	return s.Remove(ctx, RemoveRequest{Value: email, Reason: ReasonRestriction, Action: ActionUnrestrict})
}

// ListFilter narrows List; empty fields match everything.
type ListFilter struct {
	Reason, Source string
	Kind           Kind
}

// List returns the store's entries: hashes for emails and phones, domains
// in clear.
func (s *Store) List(ctx context.Context, f ListFilter) ([]Entry, error) {
	rows, err := s.DB.QueryContext(ctx, engine.MustRender("suppress_list", nil),
		sql.Named("reason", f.Reason), sql.Named("kind", string(f.Kind)), sql.Named("source", f.Source))
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	return scanEntries(rows)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// match returns the entries for v; withDomain also matches an email's
// domain against the domain lists.
func match(ctx context.Context, db querier, v Value, withDomain bool) ([]Entry, error) {
	var domain any
	if withDomain && v.Kind == Email && v.Domain != "" {
		domain = v.Domain
	}
	rows, err := db.QueryContext(ctx, engine.MustRender("suppress_match", nil),
		sql.Named("kind", string(v.Kind)), sql.Named("hash", v.Hash), sql.Named("domain", domain))
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	return scanEntries(rows)
}

func scanEntries(rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var kind string
		var exp sql.NullTime
		if err := rows.Scan(&kind, &e.Hash, &e.Domain, &e.Reason, &e.Source, &e.AddedAt, &e.AddedBy, &exp, &e.Note); err != nil {
			return nil, err
		}
		e.Kind = Kind(kind)
		e.AddedAt = e.AddedAt.UTC()
		if exp.Valid {
			t := exp.Time.UTC()
			e.ExpiresAt = &t
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
