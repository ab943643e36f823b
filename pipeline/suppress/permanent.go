package suppress

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// ReasonUnsubscribe is a person's own request to receive no more email.
const ReasonUnsubscribe = "unsubscribe"

// ActionUnobject is the audit action of Unobject.
const ActionUnobject = "unobject"

// ErrPermanent means a command tried to remove or time-limit an objection:
// it stands until the subject withdraws it (Unobject).
var ErrPermanent = errors.New("suppress: objections are permanent until the subject withdraws them")

// Permanent reports whether entries with this reason are never removed by
// `suppress remove` and never expire: erasure tombstones and objections.
func Permanent(reason string) bool { return reason == ReasonErasure || reason == ReasonObjection }

// StickyReasons are the reasons a list sync adds and never removes: the
// person's own wishes (an objection, an unsubscribe). A line that left a
// vendor's file is not a withdrawal, so the store keeps the entry (fail
// closed). Entries of other reasons (tps, ctps, client_dnc, domain lists)
// mirror their register. sql/suppress_merge.sql receives this list as
// $sticky.
var StickyReasons = []string{ReasonObjection, ReasonUnsubscribe}

// Sticky reports whether reason is one of StickyReasons.
func Sticky(reason string) bool {
	for _, r := range StickyReasons {
		if r == reason {
			return true
		}
	}
	return false
}

// errPermanentExpiry is the refusal of an expiry date on a permanent entry.
func checkExpiry(reason string, expires *time.Time) error {
	if expires == nil || !Permanent(reason) {
		return nil
	}
	if reason == ReasonObjection {
		return fmt.Errorf("%w: an objection cannot expire; it stands until the subject withdraws it (pipeline unobject --evidence …); drop --expires", ErrPermanent)
	}
	return fmt.Errorf("%w: an erasure tombstone cannot expire", ErrTombstone)
}

// objectionRefusal is the message for a removal that would lift an objection.
func objectionRefusal() error {
	return fmt.Errorf("%w: this subject objected to processing (GDPR Art. 21); `suppress remove` never lifts an objection: if the subject withdrew it, record that with `pipeline unobject --email … --evidence \"…\"`; nothing was removed", ErrPermanent)
}

// UnobjectResult says what Unobject lifted.
type UnobjectResult struct {
	Removed int64
	Sources []string // the sources whose objections were lifted
	Synced  []string // list sources among them: the next sync records the objection again while the list holds the value
	Seq     int64    // the audit entry, when something was removed
}

// Unobject records that the subject withdrew their objection: every
// objection entry of the email (manual, imported or from a list) is
// removed and the withdrawal audited with its evidence (how the
// withdrawal was received: a ticket, a dated letter). The evidence is
// required and must not hold an email or phone (it is kept in the audit
// log). A list that still holds the value records the objection again at
// the next run: UnobjectResult.Synced names such lists.
func (s *Store) Unobject(ctx context.Context, email Value, evidence string) (UnobjectResult, error) {
	var res UnobjectResult
	if email.Kind != Email {
		return res, fmt.Errorf("%w: an objection is withdrawn by email", ErrUsage)
	}
	if strings.TrimSpace(evidence) == "" {
		return res, fmt.Errorf("%w: --evidence is required: how the subject withdrew the objection (e.g. \"signed letter of 2027-01-05, ticket 4411\")", ErrUsage)
	}
	if err := CheckEvidence(evidence, ""); err != nil {
		return res, err
	}
	now, actor := s.now(), s.actor()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		matches, err := match(ctx, tx, email, false)
		if err != nil {
			return err
		}
		srcs, synced := map[string]bool{}, map[string]bool{}
		for _, m := range matches {
			if m.Kind != Email || m.Reason != ReasonObjection {
				continue
			}
			srcs[m.Source] = true
			if m.AddedBy == "sync" {
				synced[m.Source] = true
			}
		}
		res.Sources, res.Synced = sortedKeys(srcs), sortedKeys(synced)
		out, err := tx.ExecContext(ctx, engine.MustRender("suppress_unobject", nil), sql.Named("hash", email.Hash))
		if err != nil {
			return fmt.Errorf("unobject: %w", err)
		}
		if res.Removed, _ = out.RowsAffected(); res.Removed == 0 {
			return nil
		}
		// the entries' notes stay in the file's free blocks
		if err := warehouse.MarkScrub(ctx, tx, warehouse.ScrubSuppressionDeleted); err != nil {
			return err
		}
		a, err := audit.Append(ctx, tx, audit.Entry{At: now, Actor: actor, Action: ActionUnobject, SubjectKey: email.Hash,
			Details: map[string]any{"removed": res.Removed, "sources": res.Sources, "evidence": evidence}})
		res.Seq = a.Seq
		return err
	})
	return res, err
}

// isoDate is a date written YYYY-MM-DD: evidence names dates, which are no
// phone numbers.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// CheckEvidence is CheckNote for the evidence of a withdrawal, which is
// kept in the audit log: no email or phone, but ISO dates
// ("letter of 2027-01-05") are fine.
func CheckEvidence(evidence, raw string) error {
	return CheckNote(isoDate.ReplaceAllString(evidence, "date"), raw)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
