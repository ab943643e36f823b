package rights

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// Report is the answer to a subject access request (docs/design.md "SAR
// output"). It holds the subject's personal data: it goes to stdout or
// --out, never to logs.
type Report struct {
	SubjectKey  string     `json:"subject_key"`
	GeneratedAt time.Time  `json:"generated_at"`
	Controller  Controller `json:"controller"`
	// Request is the registered request the report answers (nil: none given).
	Request *RequestInfo `json:"request,omitempty"`
	// Summary is the answer in the subject's terms (summary.go); Found
	// keeps the records as held.
	Summary     Summary      `json:"summary"`
	Identifiers Identifiers  `json:"identifiers"`
	Found       []Found      `json:"found"`
	Purposes    []Purpose    `json:"purposes"`
	Recipients  []Recipient  `json:"recipients"`
	Retention   []Retention  `json:"retention"`
	Sources     []SourceInfo `json:"sources"`
	// NotSearchable are the recipients whose copy pipeline cannot search
	// (their sink has no Locate capability): they must be asked.
	NotSearchable []NotSearchable `json:"not_searchable"`
	// Seen: per people source, when the subject was first staged from it
	// and when that data is deleted (seen.go)
	Seen []Seen `json:"seen"`
	// Corrections the subject asked for (pipeline rectify), oldest first.
	Corrections []CorrectionRecord `json:"corrections"`
	// Rights is the "your rights and how to complain" section.
	Rights YourRights `json:"rights"`
}

// Controller is who answers the request.
type Controller struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

// Identifiers are what the search used: the request's and those found on
// the subject's rows (identity graph).
type Identifiers struct {
	Email    string   `json:"email"`
	Phones   []string `json:"phones,omitempty"`
	Profiles []string `json:"profiles,omitempty"`
	// NotFollowed are identifiers found on the subject's rows that the
	// search did not follow to other rows, with the reason.
	NotFollowed []NotFollowed `json:"not_followed,omitempty"`
}

// Found is one dataset holding data on the subject.
type Found struct {
	Dataset    string   `json:"dataset"`
	Kind       string   `json:"kind"` // table | export | suppression | audit | sink
	Categories []string `json:"categories"`
	Rows       []Row    `json:"rows"`
	Source     string   `json:"source"`
	FirstSeen  string   `json:"first_seen,omitempty"`
	Files      []string `json:"files,omitempty"`
}

// Purpose is one campaign the subject's data was used for.
type Purpose struct {
	Campaign    string `json:"campaign"`
	Purpose     string `json:"purpose"`
	LawfulBasis string `json:"lawful_basis"`
	Recipient   string `json:"recipient"`
}

// Recipient is one disclosure to a third party (from the lineage index).
type Recipient struct {
	Recipient string   `json:"recipient"`
	Contact   string   `json:"contact"` // campaigns.*.recipient.contact; "" when not recorded
	Export    string   `json:"export"`
	Campaign  string   `json:"campaign"`
	Date      string   `json:"date"`
	Columns   []string `json:"columns,omitempty"`
}

// Retention is how long one dataset keeps data.
type Retention struct {
	Dataset string `json:"dataset"`
	Period  string `json:"period"`
}

// SourceInfo is where the data came from.
type SourceInfo struct {
	Name string `json:"name"`
	// Description is the source's description in pipeline.yaml, else its
	// name and role: how the report names the source to the subject.
	Description string `json:"description"`
	Role        string `json:"role"`
	Connector   string `json:"connector"`
	Location    string `json:"location,omitempty"`
}

// NewReport builds the SAR report from the findings: the records as
// held (Found), then what is said about them (purposes, recipients,
// retention, sources, rights) and the summary of it all.
func NewReport(cfg *config.Config, f *Findings, now time.Time) *Report {
	r := &Report{
		SubjectKey: f.Subject.Key, GeneratedAt: now.UTC(),
		Controller:  Controller{Name: cfg.Controller.Name, Contact: cfg.Controller.Contact},
		Identifiers: Identifiers{Email: f.Subject.Email, Phones: f.Subject.Phones, Profiles: f.Subject.Profiles, NotFollowed: f.NotFollowed},
		Found:       []Found{}, Purposes: []Purpose{}, Recipients: []Recipient{}, Retention: []Retention{}, Sources: []SourceInfo{}, Seen: []Seen{}, Corrections: []CorrectionRecord{},
		NotSearchable: []NotSearchable{},
	}
	if f.NotSearchable != nil {
		r.NotSearchable = f.NotSearchable
	}
	used := r.addTables(f)
	r.addRejects(f, used)
	r.addExports(cfg, f)
	r.addSinks(f)
	r.addSuppression(f)
	r.addAudit(f)
	r.addRecipients(cfg, f)
	r.addPurposes(cfg, f)
	r.addRetention(cfg)
	r.addSources(cfg, f, used)
	r.Rights = yourRights(cfg)
	r.Summary = buildSummary(cfg, f, r)
	return r
}

// addTables adds the warehouse tables holding the subject and returns
// the sources they came from.
func (r *Report) addTables(f *Findings) map[string]bool {
	used := map[string]bool{}
	for _, t := range f.Tables {
		src := strings.Join(t.Sources, ", ")
		if src == "" {
			src = t.Dataset
		}
		for _, s := range t.Sources {
			used[s] = true
		}
		r.Found = append(r.Found, Found{Dataset: t.Dataset, Kind: "table", Categories: nonNil(t.Categories), Rows: t.Rows,
			Source: src, FirstSeen: stamp(t.FirstSeen)})
	}
	return used
}

func (r *Report) addRejects(f *Findings, used map[string]bool) {
	if len(f.Rejects) == 0 {
		return
	}
	first := ""
	srcs := map[string]bool{}
	for _, row := range f.Rejects {
		if s := str(row["rejected_at"]); first == "" || s < first {
			first = s
		}
		srcs[str(row["source"])] = true
	}
	for s := range srcs {
		used[s] = true
	}
	r.Found = append(r.Found, Found{Dataset: "rejects", Kind: "table", Categories: []string{"unparsed source line"},
		Rows: f.Rejects, Source: strings.Join(keys(srcs), ", "), FirstSeen: first})
}

func (r *Report) addExports(cfg *config.Config, f *Findings) {
	for _, e := range f.Exports {
		src := "export to " + e.Recipient
		if !e.InLineage {
			src += " (found by a deep scan; not in the lineage index)"
		}
		r.Found = append(r.Found, Found{Dataset: e.Export, Kind: "export", Categories: exportCategories(cfg, f, e.Export), Rows: e.Rows,
			Source: src, FirstSeen: stamp(e.FirstExported), Files: e.Files})
	}
}

// exportCategories are the categories of an export's columns: those the
// catalog gives them in deliverable, which exports select from.
func exportCategories(cfg *config.Config, f *Findings, export string) []string {
	cats := []string{}
	ex := cfg.Exports[export]
	if ex == nil {
		return cats
	}
	seen := map[string]bool{}
	for _, t := range f.Tables {
		if t.Table != "deliverable" {
			continue
		}
		for _, col := range config.ExportColumns(ex) {
			if cat, ok := t.match.personal[col]; ok && !seen[cat] {
				seen[cat] = true
				cats = append(cats, cat)
			}
		}
	}
	sort.Strings(cats)
	return cats
}

func (r *Report) addSinks(f *Findings) {
	for _, s := range f.Sinks {
		rows := []Row{}
		for _, l := range s.Locations {
			rows = append(rows, Row{"place": l.Place, "rows": l.Rows})
		}
		r.Found = append(r.Found, Found{Dataset: s.Export, Kind: "export", Categories: []string{}, Rows: rows,
			Source: "sink " + s.Connector})
	}
}

func (r *Report) addSuppression(f *Findings) {
	if len(f.Suppression) == 0 {
		return
	}
	first := ""
	for _, row := range f.Suppression {
		if s := str(row["added_at"]); first == "" || s < first {
			first = s
		}
	}
	r.Found = append(r.Found, Found{Dataset: "suppression", Kind: "suppression",
		Categories: []string{"hashed identifier (SHA-256)"}, Rows: f.Suppression,
		Source: "suppression store (lists and manual entries)", FirstSeen: first})
}

func (r *Report) addAudit(f *Findings) {
	if len(f.Audit) == 0 {
		return
	}
	rows := make([]Row, 0, len(f.Audit))
	for _, e := range f.Audit {
		rows = append(rows, Row{"seq": e.Seq, "at": stamp(e.At), "actor": e.Actor, "action": e.Action})
	}
	r.Found = append(r.Found, Found{Dataset: "audit_log", Kind: "audit", Categories: []string{"pseudonymous.subject_key"},
		Rows: rows, Source: "this pipeline's audit log", FirstSeen: stamp(f.Audit[0].At)})
}

// addRecipients adds one disclosure per recipient, export and day (from
// the lineage index).
func (r *Report) addRecipients(cfg *config.Config, f *Findings) {
	seen := map[string]bool{}
	for _, l := range f.Lineage {
		date := l.ExportedAt.UTC().Format("2006-01-02")
		k := l.Recipient + "\x00" + l.Export + "\x00" + date
		if seen[k] {
			continue
		}
		seen[k] = true
		rc := Recipient{Recipient: l.Recipient, Contact: recipientContact(cfg, l.Campaign, l.Recipient), Export: l.Export, Campaign: l.Campaign, Date: date}
		if ex := cfg.Exports[l.Export]; ex != nil {
			rc.Columns = config.ExportColumns(ex)
		}
		r.Recipients = append(r.Recipients, rc)
	}
}

// addPurposes adds the campaigns the subject's data was used for; data
// held but not yet exported is held for every campaign.
func (r *Report) addPurposes(cfg *config.Config, f *Findings) {
	camps := map[string]bool{}
	for _, l := range f.Lineage {
		camps[l.Campaign] = true
	}
	for _, e := range f.Exports {
		camps[e.Campaign] = true
	}
	for _, name := range cfg.CampaignOrder {
		if !camps[name] {
			continue
		}
		c := cfg.Campaigns[name]
		r.Purposes = append(r.Purposes, Purpose{Campaign: name, Purpose: c.Purpose, LawfulBasis: c.LawfulBasis, Recipient: c.Recipient})
	}
	if len(f.Tables) > 0 && len(r.Purposes) == 0 {
		for _, name := range cfg.CampaignOrder {
			c := cfg.Campaigns[name]
			r.Purposes = append(r.Purposes, Purpose{Campaign: name, Purpose: c.Purpose + " (held for; not yet exported)", LawfulBasis: c.LawfulBasis, Recipient: c.Recipient})
		}
	}
}

func (r *Report) addRetention(cfg *config.Config) {
	for _, name := range cfg.SourceOrder {
		s := cfg.Sources[name]
		if s.Role == "suppression" || s.Role == "companies" {
			continue
		}
		r.Retention = append(r.Retention, Retention{Dataset: name, Period: sourcePeriod(s)})
	}
	r.Retention = append(r.Retention,
		Retention{Dataset: "prospects, deliverable", Period: "rebuilt from the sources at every run; no longer than the sources"},
		Retention{Dataset: "exports", Period: "replaced at every run; recipients keep their copy under their own retention"},
		Retention{Dataset: "suppression", Period: "kept while the objection, unsubscribe or erasure stands (hashed only)"},
		Retention{Dataset: "audit_log", Period: "kept as proof of how requests were handled (subject_key only)"})
}

// addSources adds the configured sources the subject's data came from,
// with their descriptions.
func (r *Report) addSources(cfg *config.Config, f *Findings, used map[string]bool) {
	for _, name := range cfg.SourceOrder {
		s := cfg.Sources[name]
		if !used[name] && !(s.Role == "suppression" && len(f.Suppression) > 0 && suppressionFrom(f, name)) {
			continue
		}
		loc := ""
		if p, ok := s.RawOptions["path"].(string); ok {
			loc = p
		}
		r.Sources = append(r.Sources, SourceInfo{Name: name, Description: sourceDescription(cfg, name), Role: s.Role, Connector: s.Connector, Location: loc})
	}
}

func suppressionFrom(f *Findings, name string) bool {
	for _, row := range f.Suppression {
		if str(row["source"]) == name {
			return true
		}
	}
	return false
}

func period(r config.Retention) string {
	if r.IsZero() {
		return "not set (kept until erased)"
	}
	u := r.Unit
	if r.N != 1 {
		u += "s"
	}
	return fmt.Sprintf("%d %s from loading", r.N, u)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AuditSummary is a one-line, non-personal account of a report (for logs
// and the audit entry): dataset names and row counts only.
func (r *Report) AuditSummary() map[string]any {
	counts := map[string]any{}
	for _, f := range r.Found {
		counts[f.Kind+":"+f.Dataset] = len(f.Rows)
	}
	return map[string]any{"found": counts, "datasets": len(r.Found), "recipients": len(r.Recipients)}
}
