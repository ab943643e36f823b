package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/suppress"
	"github.com/example/pipeline/pipeline/warehouse"
)

// errOverdue makes `requests --overdue` exit 1 after listing what is late.
var errOverdue = errors.New("requests past their due date (listed above)")

// cmdRequests is the register of rights requests:
//
//	pipeline requests [--overdue] [--format table|json]
//	pipeline requests add --type T --email X [--received DATE] [--identity TEXT]
//	pipeline requests extend ID --reason TEXT
func cmdRequests(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "add" {
		return cmdRequestsAdd(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "extend" {
		return cmdRequestsExtend(ctx, args[1:], stdout, stderr)
	}
	fs, c := newFlags("requests", stderr)
	overdue := fs.Bool("overdue", false, "only the open requests past their due date; exit 1 when there is any")
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usagef("--format %q: want table or json", *format)
	}
	env, err := openRights(ctx, c, "pipeline requests", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	rs, err := rights.Requests(ctx, env.conn, time.Now(), *overdue, "")
	if err != nil {
		return fmt.Errorf("requests: %w", err)
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(rs, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "id\ttype\tsubject_key\treceived\tdue\tstatus\tanswered by\tidentity check")
		for _, r := range rs {
			due := r.Due.Format(time.DateOnly)
			if r.Extended != "" {
				due += " (extended)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.SubjectKey, r.Received.Format(time.DateOnly), due,
				r.Status, strings.Join(r.AnsweredBy, ", "), r.IdentityCheck)
		}
		tw.Flush()
	}
	if *overdue && len(rs) > 0 {
		return errOverdue
	}
	return nil
}

func cmdRequestsAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("requests add", stderr)
	typ := fs.String("type", "", "access | erasure | restriction | objection | rectification")
	email := fs.String("email", "", "the data subject's email (required; only its subject_key is kept)")
	received := fs.String("received", "", "the date the request was received, YYYY-MM-DD (default today)")
	identity := fs.String("identity", "", "how the requester's identity was checked (required for access and erasure; never an email or phone)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, ok := rights.RequestTypes[*typ]; !ok {
		return usagef("requests add: --type %q: want access, erasure, restriction, objection or rectification", *typ)
	}
	key, ok := normalize.EmailKey(*email)
	if !ok {
		return usagef("requests add: --email: not a valid email address")
	}
	if rights.NeedsIdentity(*typ) && strings.TrimSpace(*identity) == "" {
		return usagef("requests add: --identity is required for an %s request: how the requester's identity was checked (e.g. \"reply from the address on file, ticket 4411\")", *typ)
	}
	if err := suppress.CheckEvidence(*identity, *email); err != nil {
		return usagef("requests add: --identity: %v", err)
	}
	day := time.Now().UTC()
	if *received != "" {
		d, err := time.Parse(time.DateOnly, *received)
		if err != nil {
			return usagef("requests add: --received %q: want a date YYYY-MM-DD", *received)
		}
		if d.After(day) {
			return usagef("requests add: --received %s is in the future", *received)
		}
		day = d
	}
	env, err := openRights(ctx, c, "pipeline requests", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	r, err := rights.AddRequest(ctx, env.conn, rights.Request{Type: *typ, SubjectKey: key,
		Received: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), IdentityCheck: *identity}, time.Now())
	if err != nil {
		return fmt.Errorf("requests add: %w", err)
	}
	env.log.Info().Str("subject_key", key).Str("request", r.ID).Str("type", r.Type).Msg("rights request registered")
	fmt.Fprintf(stdout, "%s: %s request for subject_key %s, received %s, due %s (answer with: pipeline %s --email … --request %s)\n",
		r.ID, r.Type, key, r.Received.Format(time.DateOnly), r.Due.Format(time.DateOnly), rights.RequestTypes[r.Type][0], r.ID)
	return nil
}

func cmdRequestsExtend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("requests extend", stderr)
	reason := fs.String("reason", "", "why the request needs longer (complexity or number of requests; told to the requester)")
	if err := parseArgs(fs, args); err != nil { // takes the request's ID
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(*reason) == "" {
		return usagef("usage: pipeline requests extend ID --reason TEXT")
	}
	env, err := openRights(ctx, c, "pipeline requests", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	r, err := rights.ExtendRequest(ctx, env.conn, fs.Arg(0), *reason, time.Now())
	if err != nil {
		return fmt.Errorf("requests extend: %w", err)
	}
	fmt.Fprintf(stdout, "%s: due %s (extended; tell the requester, with the reason, within the first month)\n", r.ID, r.Due.Format(time.DateOnly))
	return nil
}

// requestArgs is what withRequest reads from a rights command's arguments.
type requestArgs struct {
	id, email, file string
	dry, yes, batch bool
}

// splitRequest takes --request ID out of args and reads the flags that
// decide how the request is checked and whether the command answers it.
func splitRequest(args []string) ([]string, requestArgs) {
	var ra requestArgs
	ra.file = "pipeline.yaml"
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
			continue
		}
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		switch name {
		case "request":
			ra.id = next()
			if !hasVal {
				i++
			}
			continue
		case "email":
			ra.email = next()
		case "f":
			ra.file = next()
		case "dry-run":
			ra.dry = !hasVal || val == "true"
		case "yes":
			ra.yes = !hasVal || val == "true"
		case "emails-from":
			ra.batch = true
		}
		out = append(out, a)
	}
	return out, ra
}

// withRequest runs a rights command that may carry --request ID: the
// request is checked before the command runs (it exists, is of the
// command's type and about the same subject; otherwise nothing is done,
// exit 2), and recorded as answered by the command once it succeeded (an
// erase without --yes, or a dry run, answers nothing).
func withRequest(ctx context.Context, command string, args []string, stdout, stderr io.Writer,
	fn func(context.Context, []string, io.Writer, io.Writer) error) error {
	rest, ra := splitRequest(args)
	if ra.id == "" {
		return fn(ctx, rest, stdout, stderr)
	}
	key, ok := normalize.EmailKey(ra.email)
	if ra.batch || !ok {
		return usagef("--request needs the subject's --email (one subject per request)")
	}
	check := func(answer bool) error {
		cfg, err := config.Load(ra.file)
		if err != nil {
			return err
		}
		w, err := warehouse.Open(ctx, cfg, warehouse.Privacy, "pipeline "+command, stderr)
		if err != nil {
			return err
		}
		defer w.Close()
		conn, err := w.DB.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		r, err := rights.CheckRequest(ctx, conn, ra.id, command, key)
		if err != nil {
			return usagef("--request: %v", err)
		}
		if !answer {
			ctx = withCheckedRequest(ctx, r)
			return nil
		}
		if err := rights.AnswerRequest(ctx, conn, r, command, time.Now()); err != nil {
			return fmt.Errorf("record request %s as answered: %w", r.ID, err)
		}
		fmt.Fprintf(stderr, "request %s (%s, due %s): answered by pipeline %s\n", r.ID, r.Type, r.Due.Format(time.DateOnly), command)
		warnAnchor(stderr, audit.Anchor(context.WithoutCancel(ctx), conn, cfg.Warehouse))
		return nil
	}
	if err := check(false); err != nil {
		return err
	}
	if err := fn(withRequestID(ctx, ra.id), rest, stdout, stderr); err != nil {
		return err
	}
	if ra.dry || (command == "erase" || command == "rectify") && !ra.yes {
		return nil
	}
	return check(true)
}
