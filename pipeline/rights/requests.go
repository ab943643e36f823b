package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/audit"
)

// Request types of the register, and the command that answers each.
var RequestTypes = map[string][]string{
	"access":        {"sar"},
	"erasure":       {"erase"},
	"restriction":   {"restrict", "unrestrict"},
	"objection":     {"object", "unobject"},
	"rectification": {"rectify"},
}

// NeedsIdentity reports whether a request of type t must record how the
// requester's identity was checked before it is registered: access and
// erasure disclose or destroy a person's data.
func NeedsIdentity(t string) bool { return t == "access" || t == "erasure" }

// Request is one row of the requests register.
type Request struct {
	ID            string     `json:"id"`
	Type          string     `json:"type"`
	SubjectKey    string     `json:"subject_key"`
	Received      time.Time  `json:"received"`
	Due           time.Time  `json:"due"`
	IdentityCheck string     `json:"identity_check"`
	Status        string     `json:"status"`
	Extended      string     `json:"extended_reason,omitempty"`
	AnsweredBy    []string   `json:"answered_by"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
}

// ErrNoRequest is returned for an id the register does not hold.
var ErrNoRequest = errors.New("no such request")

// DueDate is one calendar month after received: the same day of the next
// month, or its last day when it has no such day (31 January → 28/29
// February), as the ICO counts it. months > 1 gives an extended date.
func DueDate(received time.Time, months int) time.Time {
	y, m, d := received.Date()
	last := time.Date(y, m+time.Month(months)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, m+time.Month(months), min(d, last), 0, 0, 0, 0, time.UTC)
}

func ensureRequests(ctx context.Context, c *sql.Conn) error {
	if _, err := execT(ctx, c, "requests_table", nil, nil); err != nil {
		return err
	}
	return audit.EnsureTable(ctx, c)
}

// AddRequest registers a request received on r.Received (due one calendar
// month later), audits it ("request.received") and returns it with its id.
func AddRequest(ctx context.Context, c *sql.Conn, r Request, now time.Time) (Request, error) {
	if _, ok := RequestTypes[r.Type]; !ok {
		return r, fmt.Errorf("request type %q: want one of access, erasure, restriction, objection, rectification", r.Type)
	}
	if NeedsIdentity(r.Type) && strings.TrimSpace(r.IdentityCheck) == "" {
		return r, fmt.Errorf("a %s request needs the identity check (how the requester's identity was verified)", r.Type)
	}
	if err := ensureRequests(ctx, c); err != nil {
		return r, err
	}
	r.Due, r.Status, r.AnsweredBy = DueDate(r.Received, 1), "open", []string{}
	q, err := render("requests_add", nil)
	if err != nil {
		return r, err
	}
	p := params{"type": r.Type, "subject_key": r.SubjectKey, "received": r.Received.Format(time.DateOnly),
		"due": r.Due.Format(time.DateOnly), "identity": r.IdentityCheck, "now": now}
	if err := c.QueryRowContext(ctx, q, p.Args()...).Scan(&r.ID); err != nil {
		return r, fmt.Errorf("requests_add.sql: %w", err)
	}
	_, err = audit.Append(ctx, c, audit.Entry{At: now, Action: "request.received", SubjectKey: r.SubjectKey,
		Details: map[string]any{"request": r.ID, "type": r.Type, "received": r.Received.Format(time.DateOnly),
			"due": r.Due.Format(time.DateOnly), "identity_check": r.IdentityCheck}})
	return r, err
}

// Requests lists the register (or, overdue, the open requests past due
// on today; or, id set, that one request).
func Requests(ctx context.Context, c *sql.Conn, today time.Time, overdue bool, id string) ([]Request, error) {
	if err := ensureRequests(ctx, c); err != nil {
		return nil, err
	}
	q, err := render("requests_list", map[string]any{"Overdue": overdue, "ID": id != ""})
	if err != nil {
		return nil, err
	}
	p := params{"today": today.Format(time.DateOnly)}
	if id != "" {
		p["id"] = id
	}
	rows, err := c.QueryContext(ctx, q, p.Args()...)
	if err != nil {
		return nil, fmt.Errorf("requests_list.sql: %w", err)
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		var r Request
		var by []any
		var at sql.NullTime
		if err := rows.Scan(&r.ID, &r.Type, &r.SubjectKey, &r.Received, &r.Due, &r.IdentityCheck, &r.Status, &r.Extended, &by, &at); err != nil {
			return nil, err
		}
		r.AnsweredBy = []string{}
		for _, b := range by {
			r.AnsweredBy = append(r.AnsweredBy, fmt.Sprint(b))
		}
		if at.Valid {
			r.AnsweredAt = &at.Time
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CheckRequest returns request id when command may answer it: the request
// exists, its type is the command's and its subject is subjectKey.
func CheckRequest(ctx context.Context, c *sql.Conn, id, command, subjectKey string) (Request, error) {
	rs, err := Requests(ctx, c, time.Now(), false, id)
	if err != nil {
		return Request{}, err
	}
	if len(rs) == 0 {
		return Request{}, fmt.Errorf("request %s: %w (see pipeline requests)", id, ErrNoRequest)
	}
	r := rs[0]
	ok := false
	for _, cmd := range RequestTypes[r.Type] {
		ok = ok || cmd == command
	}
	switch {
	case !ok:
		return r, fmt.Errorf("request %s (type %s) is not answered by `pipeline %s` (want %s)", id, r.Type, command, strings.Join(RequestTypes[r.Type], " or "))
	case r.SubjectKey != subjectKey:
		return r, fmt.Errorf("request %s is about another subject (subject_key %s), not the one given", id, r.SubjectKey)
	}
	return r, nil
}

// AnswerRequest records that command answered request id (status
// answered) and audits it ("request.answered").
func AnswerRequest(ctx context.Context, c *sql.Conn, r Request, command string, now time.Time) error {
	if _, err := execT(ctx, c, "requests_answer", nil, params{"id": r.ID, "command": command, "now": now}); err != nil {
		return err
	}
	_, err := audit.Append(ctx, c, audit.Entry{At: now, Action: "request.answered", SubjectKey: r.SubjectKey,
		Details: map[string]any{"request": r.ID, "type": r.Type, "command": command, "due": r.Due.Format(time.DateOnly),
			"late": now.After(r.Due.AddDate(0, 0, 1))}})
	return err
}

// ExtendRequest extends an open request's due date to three calendar
// months after receipt (Art. 12(3): by two further months), once, with
// the reason; audited ("request.extended"). A blank reason is refused:
// the requester must be told why, and the one extension is not spent.
func ExtendRequest(ctx context.Context, c *sql.Conn, id, reason string, now time.Time) (Request, error) {
	if strings.TrimSpace(reason) == "" {
		return Request{}, fmt.Errorf("request %s: an extension needs the reason (told to the requester)", id)
	}
	rs, err := Requests(ctx, c, now, false, id)
	if err != nil {
		return Request{}, err
	}
	if len(rs) == 0 {
		return Request{}, fmt.Errorf("request %s: %w", id, ErrNoRequest)
	}
	r := rs[0]
	due := DueDate(r.Received, 3)
	n, err := execT(ctx, c, "requests_extend", nil, params{"id": id, "due": due.Format(time.DateOnly), "reason": reason})
	if err != nil {
		return r, err
	}
	if n == 0 {
		return r, fmt.Errorf("request %s is %s or already extended: it can be extended once while open", id, r.Status)
	}
	r.Due, r.Extended = due, reason
	_, err = audit.Append(ctx, c, audit.Entry{At: now, Action: "request.extended", SubjectKey: r.SubjectKey,
		Details: map[string]any{"request": id, "due": due.Format(time.DateOnly), "reason": reason}})
	return r, err
}
