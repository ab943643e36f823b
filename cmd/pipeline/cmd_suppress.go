package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	flag "github.com/spf13/pflag"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/suppress"
	"github.com/example/pipeline/pipeline/warehouse"
)

const suppressUsage = `usage: pipeline suppress COMMAND [flags]

  add     --email|--domain|--phone VALUE --reason R [--expires DATE] [--note TEXT] [--source S]
  import  FILE|--file FILE --kind email|domain|phone --reason R [--source NAME] [--column C] [--expires DATE] [--max-reject-rate R]
  list    [--reason R] [--kind K] [--source S] [--format table|json]
  check   --email X | --domain D | --phone P [--format text|json]
  remove  --email|--domain|--phone VALUE [--source S] [--reason R]
          (never an objection: pipeline unobject; never an erasure tombstone)

Emails and phones are stored and shown only as SHA-256 of their normalised
form; domains in clear. Phones in national form are read as --country
(default GB). Every change is audited (pipeline audit).
`

func cmdSuppress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, suppressUsage)
		if len(args) == 0 {
			return usagef("suppress: no subcommand given")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return suppressAdd(ctx, rest, stdout, stderr)
	case "import":
		return suppressImport(ctx, rest, stdout, stderr)
	case "list":
		return suppressList(ctx, rest, stdout, stderr)
	case "check":
		return suppressCheck(ctx, rest, stdout, stderr)
	case "remove":
		return suppressRemove(ctx, rest, stdout, stderr)
	}
	return usagef("suppress: unknown subcommand %q (add, import, list, check, remove)", sub)
}

// valueFlags are --email, --domain, --phone and --country.
type valueFlags struct {
	email, domain, phone, country string
	only                          []suppress.Kind // the kinds this command accepts
}

func addValueFlags(fs *flag.FlagSet, kinds ...suppress.Kind) *valueFlags {
	v := &valueFlags{only: kinds}
	for _, k := range kinds {
		switch k {
		case suppress.Email:
			fs.StringVar(&v.email, "email", "", "the person's email address")
		case suppress.Domain:
			fs.StringVar(&v.domain, "domain", "", "a company domain or website")
		case suppress.Phone:
			fs.StringVar(&v.phone, "phone", "", "a phone number")
			fs.StringVar(&v.country, "country", suppress.DefaultPhoneCountry, "region for phone numbers in national form")
		}
	}
	return v
}

// value normalises the one value given. The raw value goes no further.
func (v *valueFlags) value() (suppress.Value, string, error) {
	var kind suppress.Kind
	var raw string
	n := 0
	for _, kv := range []struct {
		k suppress.Kind
		s string
	}{{suppress.Email, v.email}, {suppress.Domain, v.domain}, {suppress.Phone, v.phone}} {
		if kv.s != "" {
			kind, raw = kv.k, kv.s
			n++
		}
	}
	if n != 1 {
		names := make([]string, len(v.only))
		for i, k := range v.only {
			names[i] = "--" + string(k)
		}
		return suppress.Value{}, "", usagef("give exactly one of %s", strings.Join(names, ", "))
	}
	val, err := suppress.Normalize(kind, raw, v.country)
	if err != nil {
		return suppress.Value{}, "", usagef("--%s: %v", kind, strings.TrimPrefix(err.Error(), "suppress: "))
	}
	return val, raw, nil
}

// openStore waits for the warehouse lock (a nightly run may hold it), then
// opens the warehouse with its tables and the audit log in place.
func openStore(ctx context.Context, c *common, stderr io.Writer, what string) (*suppress.Store, zerolog.Logger, func(), error) {
	log, err := c.logger(stderr)
	if err != nil {
		return nil, log, nil, err
	}
	cfg, err := c.load()
	if err != nil {
		return nil, log, nil, err
	}
	w, err := warehouse.Open(ctx, cfg, warehouse.Privacy, what, stderr)
	if err != nil {
		return nil, log, nil, err
	}
	db := w.DB
	done := func() {
		warnAnchor(stderr, audit.Anchor(context.WithoutCancel(ctx), db, cfg.Warehouse))
		w.Close()
	}
	if err := audit.EnsureTable(ctx, db); err != nil {
		done()
		return nil, log, nil, err
	}
	return &suppress.Store{DB: db}, log, done, nil
}

// storeError maps the store's errors to exit codes: bad values and
// options, and a refused removal or expiry of a tombstone or an objection,
// are usage errors (2).
func storeError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, suppress.ErrUsage) || errors.Is(err, suppress.ErrTombstone) || errors.Is(err, suppress.ErrPermanent) {
		return usagef("%s", strings.TrimPrefix(err.Error(), "suppress: "))
	}
	return err
}

func scopeText(scope string) string {
	switch scope {
	case "person":
		return "removes the person from every export"
	case "phone":
		return "removes only the phone number (the person may still be emailed)"
	}
	return "removes nothing"
}

// label names a value in output and logs without its raw form.
func label(v suppress.Value) string {
	if v.Kind == suppress.Domain {
		return "domain " + v.Domain
	}
	if v.Kind == suppress.Email {
		return "email subject_key " + v.Hash
	}
	return "phone sha256 " + v.Hash
}

func suppressAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("suppress add", stderr)
	vf := addValueFlags(fs, suppress.Email, suppress.Domain, suppress.Phone)
	reason := fs.String("reason", "", "unsubscribe | objection | complaint | tps | ctps | client_dnc | ...")
	source := fs.String("source", suppress.SourceManual, "where the request came from")
	expires := fs.String("expires", "", "YYYY-MM-DD: the entry stops applying at the start of that day (UTC); default permanent")
	note := fs.String("note", "", "a note (never an email or phone)")
	if err := parse(fs, args); err != nil {
		return err
	}
	v, raw, err := vf.value()
	if err != nil {
		return err
	}
	if *reason == "" {
		return usagef("suppress add: --reason is required")
	}
	exp, err := suppress.ParseExpiry(*expires, time.Now().UTC())
	if err != nil {
		return storeError(err)
	}
	if err := suppress.CheckNote(*note, raw); err != nil {
		return storeError(err)
	}
	s, log, done, err := openStore(ctx, c, stderr, "pipeline suppress add")
	if err != nil {
		return err
	}
	defer done()
	res, err := s.Add(ctx, suppress.AddRequest{Value: v, Reason: *reason, Source: *source, Expires: exp, Note: *note})
	if err != nil {
		return storeError(err)
	}
	return reportAdd(stdout, log, "suppress.add", v, res)
}

func reportAdd(stdout io.Writer, log zerolog.Logger, action string, v suppress.Value, res suppress.AddResult) error {
	if !res.Added {
		fmt.Fprintf(stdout, "already stored: %s, reason %s, source %s (nothing changed)\n", label(v), res.Entry.Reason, res.Entry.Source)
		return nil
	}
	log.Info().Str("action", action).Str("subject_key", v.Hash).Str("kind", string(v.Kind)).
		Str("reason", res.Entry.Reason).Int64("audit_seq", res.Seq).Msg("suppression store changed")
	fmt.Fprintf(stdout, "added: %s, reason %s, source %s — %s", label(v), res.Entry.Reason, res.Entry.Source, scopeText(res.Scope))
	if res.Entry.ExpiresAt != nil {
		fmt.Fprintf(stdout, ", until %s", res.Entry.ExpiresAt.Format(time.RFC3339))
	}
	fmt.Fprintf(stdout, " (audit seq %d)\n", res.Seq)
	return nil
}

func suppressImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("suppress import", stderr)
	kind := fs.String("kind", "", "email | domain | phone")
	reason := fs.String("reason", "", "unsubscribe | objection | complaint | tps | ctps | client_dnc | ...")
	source := fs.String("source", "", "list name (default: import:FILENAME)")
	column := fs.String("column", "", "value column (default: the kind's name; a sha256 column is used when present)")
	country := fs.String("country", suppress.DefaultPhoneCountry, "region for phone numbers in national form")
	expires := fs.String("expires", "", "YYYY-MM-DD: the entries stop applying at the start of that day (UTC)")
	note := fs.String("note", "", "a note for every entry (never an email or phone)")
	file := fs.String("file", "", "the list (or give FILE as the argument)")
	maxReject := fs.Float64("max-reject-rate", 0, "share of malformed lines to accept (0 to 1); default: none, any malformed line refuses the import")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	var rejectRate *float64
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "max-reject-rate" {
			rejectRate = maxReject
		}
	})
	if rejectRate != nil && (*rejectRate < 0 || *rejectRate > 1) {
		return usagef("suppress import: --max-reject-rate must be between 0 and 1")
	}
	switch {
	case *file != "" && fs.NArg() == 0:
	case *file == "" && fs.NArg() == 1:
		*file = fs.Arg(0)
	default:
		return usagef("suppress import takes one FILE")
	}
	k, err := suppress.ParseKind(*kind)
	if err != nil {
		return storeError(err)
	}
	if *reason == "" {
		return usagef("suppress import: --reason is required")
	}
	exp, err := suppress.ParseExpiry(*expires, time.Now().UTC())
	if err != nil {
		return storeError(err)
	}
	if err := suppress.CheckNote(*note, ""); err != nil {
		return storeError(err)
	}
	path, err := filepath.Abs(*file)
	if err != nil {
		return err
	}
	s, log, done, err := openStore(ctx, c, stderr, "pipeline suppress import")
	if err != nil {
		return err
	}
	defer done()
	t0 := time.Now()
	res, err := s.Import(ctx, suppress.ImportRequest{Path: path, Kind: k, Reason: *reason, Source: *source,
		Column: *column, Country: *country, Expires: exp, Note: *note, MaxRejectRate: rejectRate})
	if err != nil {
		return storeError(err)
	}
	log.Info().Str("action", "suppress.import").Str("source", res.Source).Int64("rows", res.Rows).
		Int64("added", res.Added).Int64("unusable", res.Unusable).Int64("rejected", res.Rejected).Int64("audit_seq", res.Seq).
		Dur("took_ms", time.Since(t0)).Msg("suppression list imported")
	fmt.Fprintf(stdout, "imported %s as source %q (%s, reason %s): %d rows, %d new entries, %d not usable as a %s (not stored), %d malformed lines rejected (table rejects); %s (audit seq %d)\n",
		filepath.Base(path), res.Source, k, *reason, res.Rows, res.Added, res.Unusable, k, res.Rejected, time.Since(t0).Round(time.Millisecond), res.Seq)
	return nil
}

func suppressList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("suppress list", stderr)
	reason := fs.String("reason", "", "only this reason")
	kind := fs.String("kind", "", "only this kind (email|domain|phone)")
	source := fs.String("source", "", "only this source")
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usagef("--format %q: want table or json", *format)
	}
	var k suppress.Kind
	if *kind != "" {
		var err error
		if k, err = suppress.ParseKind(*kind); err != nil {
			return storeError(err)
		}
	}
	s, _, done, err := openStore(ctx, c, stderr, "pipeline suppress list")
	if err != nil {
		return err
	}
	defer done()
	es, err := s.List(ctx, suppress.ListFilter{Reason: *reason, Kind: k, Source: *source})
	if err != nil {
		return err
	}
	if *format == "json" {
		if es == nil {
			es = []suppress.Entry{}
		}
		b, _ := json.MarshalIndent(map[string]any{"entries": es}, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\thash / domain\treason\tsource\tadded_at\tadded_by\texpires_at\tnote")
	for _, e := range es {
		id := e.Hash
		if e.Kind == suppress.Domain {
			id = e.Domain
		}
		exp := "-"
		if e.ExpiresAt != nil {
			exp = e.ExpiresAt.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Kind, id, e.Reason, e.Source,
			e.AddedAt.Format(time.DateTime), e.AddedBy, exp, e.Note)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d entries\n", len(es))
	return nil
}

func suppressCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("suppress check", stderr)
	vf := addValueFlags(fs, suppress.Email, suppress.Domain, suppress.Phone)
	format := fs.String("format", "text", "text|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format %q: want text or json", *format)
	}
	v, _, err := vf.value()
	if err != nil {
		return err
	}
	s, _, done, err := openStore(ctx, c, stderr, "pipeline suppress check")
	if err != nil {
		return err
	}
	defer done()
	d, err := s.Check(ctx, v)
	if err != nil {
		return err
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(d, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintln(stdout, label(v))
	if !d.Suppressed {
		fmt.Fprintln(stdout, "suppressed: no")
	} else {
		fmt.Fprintf(stdout, "suppressed: yes — %s (since %s)\n", scopeText(d.Scope), d.Since.Format(time.RFC3339))
	}
	if d.Tombstoned {
		fmt.Fprintln(stdout, "erased: yes — a tombstone refuses this person's rows at stage in every run")
	}
	if d.Restricted {
		fmt.Fprintln(stdout, "restricted: yes — kept in the warehouse, excluded from every export (pipeline unrestrict lifts it)")
	}
	if len(d.Matches) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nvia\treason\tsource\tadded_at\tadded_by\texpires_at\tstate\tscope")
	for _, m := range d.Matches {
		exp, state := "-", "active"
		if m.ExpiresAt != nil {
			exp = m.ExpiresAt.Format(time.RFC3339)
		}
		if !m.Active {
			state = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Via, m.Reason, m.Source,
			m.AddedAt.Format(time.RFC3339), m.AddedBy, exp, state, m.Scope)
	}
	return tw.Flush()
}

func suppressRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("suppress remove", stderr)
	vf := addValueFlags(fs, suppress.Email, suppress.Domain, suppress.Phone)
	source := fs.String("source", "", "only entries of this source")
	reason := fs.String("reason", "", "only entries with this reason")
	if err := parse(fs, args); err != nil {
		return err
	}
	v, _, err := vf.value()
	if err != nil {
		return err
	}
	s, log, done, err := openStore(ctx, c, stderr, "pipeline suppress remove")
	if err != nil {
		return err
	}
	defer done()
	res, err := s.Remove(ctx, suppress.RemoveRequest{Value: v, Source: *source, Reason: *reason})
	if err != nil {
		return storeError(err)
	}
	return reportRemove(stdout, log, "suppress.remove", v, res)
}

func reportRemove(stdout io.Writer, log zerolog.Logger, action string, v suppress.Value, res suppress.RemoveResult) error {
	if res.Removed > 0 {
		log.Info().Str("action", action).Str("subject_key", v.Hash).Str("kind", string(v.Kind)).
			Int64("removed", res.Removed).Int64("audit_seq", res.Seq).Msg("suppression store changed")
		fmt.Fprintf(stdout, "removed %d entr%s for %s (audit seq %d)\n", res.Removed, plural(res.Removed, "y", "ies"), label(v), res.Seq)
	} else {
		fmt.Fprintf(stdout, "nothing to remove for %s\n", label(v))
	}
	if res.Tombstones > 0 {
		fmt.Fprintln(stdout, "kept: the erasure tombstone (permanent; it keeps an erased person from coming back)")
	}
	if res.Objections > 0 {
		fmt.Fprintln(stdout, "kept: the objection (permanent until the subject withdraws it: pipeline unobject --email … --evidence \"…\")")
	}
	if len(res.Resyncable) > 0 {
		fmt.Fprintf(stdout, "note: removed entries of lists %s — a sync never removes them, and records them again while the list file holds the value\n", strings.Join(res.Resyncable, ", "))
	}
	if len(res.Synced) > 0 {
		fmt.Fprintf(stdout, "kept: entries of synced lists %s — remove the value from the list file, or the next run brings it back\n", strings.Join(res.Synced, ", "))
	}
	return nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
