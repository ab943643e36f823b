package rights

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// findRejectsByPhone adds to f.Rejects the rejected lines that do not
// mention the subject's email but one of their phones (any written form:
// phoneDigits) and one of their names (every word of a name key, in any
// order and case): the identity hop's rule, as a rejected line holds a
// row's fields as received — no name on the subject's side, no match, so
// a colleague who shares a switchboard number is never taken. It runs
// once the tables' first pass has found the phones and names (expand).
func (f *Findings) findRejectsByPhone(ctx context.Context, c *sql.Conn) error {
	if len(f.Names) == 0 || len(f.Subject.Phones) == 0 {
		return nil
	}
	p := rejectParams(f.Subject.Email)
	p["phones"] = "(?s)" + strings.Join(phoneDigits(f.Subject.Phones), "|")
	rows, _, err := queryRowsT(ctx, c, "sar_rejects_phone", nil, p)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	for _, r := range rows {
		id, ok := r[rowIDColumn].(int64)
		line, _ := r["raw_line"].(string)
		if !ok || !namedIn(strings.ToLower(line), f.Names) {
			continue
		}
		delete(r, rowIDColumn)
		f.Rejects = append(f.Rejects, r)
		f.rejectIDs = append(f.rejectIDs, id)
	}
	f.rejectPhones = p["phones"].(string)
	return nil
}

// namedIn reports whether every word of one of the name keys (readNameKeys:
// lower-cased words) is in line (lower-cased).
func namedIn(line string, names []string) bool {
	for _, n := range names {
		all := n != ""
		for _, w := range strings.Fields(n) {
			all = all && strings.Contains(line, w)
		}
		if all {
			return true
		}
	}
	return false
}

// eraseRejectsByPhone deletes the lines findRejectsByPhone found, by
// rowid, each still matching the phones' pattern; in the caller's
// transaction.
func eraseRejectsByPhone(ctx context.Context, c *sql.Conn, f *Findings) (int64, error) {
	if len(f.rejectIDs) == 0 {
		return 0, nil
	}
	return execT(ctx, c, "erase_rejects_rows", map[string]any{"RowIDs": f.rejectIDs}, params{"phones": f.rejectPhones})
}
