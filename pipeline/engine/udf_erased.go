package engine

import (
	"crypto/sha256"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// stageErased is pl_stage_erased(derived VARCHAR) -> VARCHAR: the stage's
// screen of a person whose source gives no email. derived holds the
// normalised work emails the person's company email patterns give
// (derive_email.sql), separated by spaces; the answer is Erased when any
// of them is an erased subject's (counted with pl_stage_email's, see
// Refused), Expired when any is a subject expired from the source being
// staged (see SetExpiredEmails), else NULL (no subject bucket: the row has no email).
// Volatile, so DuckDB evaluates it once per row.
func stageErased(db *DB) duckdb.ScalarFunc {
	return &udf{n: 1, volatile: true, fn: func(a []string) (string, bool) {
		if !db.erased.any() && !db.expired.any() {
			return "", false
		}
		for _, e := range strings.Fields(a[0]) {
			if screen, refused := db.screen(sha256.Sum256([]byte(e))); refused {
				return screen, true
			}
		}
		return "", false
	}}
}
