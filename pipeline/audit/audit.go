// Package audit keeps the warehouse's append-only, hash-chained audit log.
//
// Every change a person or a job makes to personal data or to the
// suppression store is one Entry in table audit_log. Entry n carries the
// hash of entry n-1 (PrevHash) and its own Hash, the hex SHA-256 of the
// canonical JSON of (seq, at, actor, action, subject_key, details,
// prev_hash). Verify recomputes the chain, so an entry that was edited,
// deleted or reordered after the fact is detected and named by its seq.
// The chain alone cannot tell that the newest entries were truncated: its
// head is anchored outside the table (anchor.go) and VerifyAnchored checks
// the anchors too.
//
// Details never hold raw emails, names or phones: only subject keys,
// hashes, counts, list names and similar non-identifying values.
//
// Append is not safe for concurrent use on the same warehouse: callers
// serialise writers (the warehouse lock, warehouse.WaitLock). The primary key on
// seq makes a lost race fail instead of forking the chain.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// Entry is one audit record.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      string
	Action     string
	SubjectKey string
	// Details is stored as JSON. Never put raw emails, names or phones here.
	Details  map[string]any
	PrevHash string
	Hash     string
}

// Execer is what the package needs from a handle: *sql.DB, *sql.Conn or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// ErrTampered means the stored chain does not verify. The wrapping error
// names the first bad seq and what is wrong with it.
var ErrTampered = errors.New("audit: chain broken")

// EnsureTable creates audit_log if it does not exist.
func EnsureTable(ctx context.Context, db Execer) error {
	if _, err := db.ExecContext(ctx, engine.MustRender("audit_table", nil)); err != nil {
		return fmt.Errorf("audit table: %w", err)
	}
	return nil
}

// Append writes e as the next entry of the chain and returns it as stored:
// Seq is the last seq + 1, At defaults to now (UTC) and is truncated to
// microseconds (the warehouse's precision), PrevHash is the last entry's
// Hash and Hash is computed.
//
// e.Details must NEVER hold raw emails, names or phones: subject keys,
// hashes, counts and list names only. The log outlives erasures.
//
// Run Append inside the caller's transaction (db a *sql.Tx) when the entry
// must commit with the change it records.
func Append(ctx context.Context, db Execer, e Entry) (Entry, error) {
	if e.Action == "" {
		return Entry{}, errors.New("audit: entry without action")
	}
	if e.Actor == "" {
		e.Actor = Actor()
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var last int64
	var prev string
	if err := db.QueryRowContext(ctx, engine.MustRender("audit_last", nil)).Scan(&last, &prev); err != nil {
		return Entry{}, fmt.Errorf("audit: read chain tail: %w", err)
	}
	e.Seq, e.PrevHash = last+1, prev
	details, err := encodeDetails(e.Details)
	if err != nil {
		return Entry{}, err
	}
	e.Hash = hashOf(e.Seq, e.At, e.Actor, e.Action, e.SubjectKey, details, e.PrevHash)
	var subject any
	if e.SubjectKey != "" {
		subject = e.SubjectKey
	}
	if _, err := db.ExecContext(ctx, engine.MustRender("audit_append", nil),
		e.Seq, e.At, e.Actor, e.Action, subject, details, e.PrevHash, e.Hash); err != nil {
		return Entry{}, fmt.Errorf("audit: append %s: %w", e.Action, err)
	}
	return e, nil
}

// List returns the entries for subjectKey ("" = all), in seq order.
func List(ctx context.Context, db Execer, subjectKey string) ([]Entry, error) {
	rows, err := scan(ctx, db, subjectKey)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		e := r.Entry
		if r.details != "" {
			if err := json.Unmarshal([]byte(r.details), &e.Details); err != nil {
				return nil, fmt.Errorf("audit: seq %d: details: %w", e.Seq, err)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Verify recomputes the whole chain and returns the number of entries. On
// failure the error wraps ErrTampered and names the first bad seq: an edited
// entry (its hash no longer matches its content), a deleted one (a gap in
// seq) or a reordered one (prev_hash does not match the entry before).
func Verify(ctx context.Context, db Execer) (int, error) {
	rows, err := scan(ctx, db, "")
	if err != nil {
		return 0, err
	}
	var prev string
	for i, r := range rows {
		want := int64(i + 1)
		switch {
		case r.Seq > want:
			return i, fmt.Errorf("%w: seq %d missing (deleted); next present is %d", ErrTampered, want, r.Seq)
		case r.Seq < want:
			return i, fmt.Errorf("%w: seq %d appears twice", ErrTampered, r.Seq)
		}
		if got := hashOf(r.Seq, r.At, r.Actor, r.Action, r.SubjectKey, r.details, r.PrevHash); got != r.Hash {
			return i, fmt.Errorf("%w: seq %d edited (hash does not match its content)", ErrTampered, r.Seq)
		}
		if r.PrevHash != prev {
			return i, fmt.Errorf("%w: seq %d reordered or its predecessor replaced (prev_hash does not match seq %d)", ErrTampered, r.Seq, r.Seq-1)
		}
		prev = r.Hash
	}
	return len(rows), nil
}

// Actor names who is acting: $PIPELINE_ACTOR, else user@hostname.
func Actor() string {
	if a := os.Getenv("PIPELINE_ACTOR"); a != "" {
		return a
	}
	name := os.Getenv("USER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = "unknown"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return name + "@" + host
}

type stored struct {
	Entry
	details string // the exact JSON that was hashed
}

func scan(ctx context.Context, db Execer, subjectKey string) ([]stored, error) {
	rs, err := db.QueryContext(ctx, engine.MustRender("audit_list", nil), subjectKey, subjectKey)
	if err != nil {
		return nil, fmt.Errorf("audit: read log: %w", err)
	}
	defer rs.Close()
	var out []stored
	for rs.Next() {
		var s stored
		if err := rs.Scan(&s.Seq, &s.At, &s.Actor, &s.Action, &s.SubjectKey, &s.details, &s.PrevHash, &s.Hash); err != nil {
			return nil, fmt.Errorf("audit: read log: %w", err)
		}
		s.At = s.At.UTC()
		out = append(out, s)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("audit: read log: %w", err)
	}
	return out, nil
}

// encodeDetails is the canonical details JSON: compact, map keys sorted
// (encoding/json sorts them), "" for none.
func encodeDetails(d map[string]any) (string, error) {
	if len(d) == 0 {
		return "", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("audit: details: %w", err)
	}
	return string(b), nil
}

// hashOf is the hex SHA-256 of the canonical JSON of an entry. Field order
// is fixed by the struct; details enter as the stored JSON text.
func hashOf(seq int64, at time.Time, actor, action, subject, details, prev string) string {
	canon := struct {
		Seq        int64  `json:"seq"`
		At         string `json:"at"`
		Actor      string `json:"actor"`
		Action     string `json:"action"`
		SubjectKey string `json:"subject_key"`
		Details    string `json:"details"`
		PrevHash   string `json:"prev_hash"`
	}{seq, at.UTC().Format(time.RFC3339Nano), actor, action, subject, details, prev}
	b, _ := json.Marshal(canon) // cannot fail: strings and an int
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
