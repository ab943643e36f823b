package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Expired is what pl_stage_email (and pl_stage_erased) return for a row
// of a subject whose retention from the source being staged has run out.
const Expired = "expired"

// Expired is how many rows pl_stage_email and pl_stage_erased have
// answered Expired since db was opened: the stage reads it before and
// after a source.
func (db *DB) Expired() int64 { return db.expired.refused.Load() }

// SetExpiredEmails gives the stage's screen the subjects (hex SHA-256 of
// the normalised email: their subject_key) whose retention from the source
// about to be staged has run out (flow/seen.go). It replaces any set given
// before: the stage sets it before each source, and empties it after.
func (db *DB) SetExpiredEmails(keys []string) error {
	m := make(map[[sha256.Size]byte]struct{}, len(keys))
	for _, h := range keys {
		var k [sha256.Size]byte
		if n, err := hex.Decode(k[:], []byte(h)); err != nil || n != sha256.Size || len(h) != 2*sha256.Size {
			return fmt.Errorf("expired subject %q is not a hex SHA-256", h)
		}
		m[k] = struct{}{}
	}
	db.expired.m.Store(&m)
	return nil
}

// screen is the stage's refusal of one subject (the SHA-256 of its
// normalised email): Erased for a tombstone, else Expired for a subject
// expired from the source being staged; each counted. refused is false
// when the row may be staged.
func (db *DB) screen(h [sha256.Size]byte) (string, bool) {
	if db.erased.has(h) {
		db.erased.refused.Add(1)
		return Erased, true
	}
	if db.expired.has(h) {
		db.expired.refused.Add(1)
		return Expired, true
	}
	return "", false
}
