package rights

import (
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// YourRights is the report's "your rights and how to complain" section:
// every format (json, text, html) carries the same text.
type YourRights struct {
	Contact   string   `json:"contact"`
	Rights    []string `json:"rights"`
	Complaint string   `json:"complaint"`
}

// rightsTexts are the rights a data subject has over this processing
// (UK GDPR / GDPR Arts. 15–21) and what the pipeline does on each.
var rightsTexts = []string{
	"Access: this report is our answer to your right of access (Article 15). You may ask for it again.",
	"Correction: you may ask us to correct anything that is wrong or incomplete (Article 16).",
	"Erasure: you may ask us to erase your data (Article 17). We then keep only a one-way hash of your email address, so that we never add you again.",
	"Restriction: you may ask us to stop using your data while you contest it (Article 18); we keep it stored but out of every list.",
	"Objection: you may object at any time to the use of your data for direct marketing, including the profiling for it (Article 21). We then stop for good; an objection does not expire.",
	"Recipients: we tell everyone we gave your data to about any correction, erasure or restriction (Article 19), and tell you who they are if you ask.",
}

const complaintText = "If you are unhappy with how we use your data or answered this request, please tell us first. " +
	"You may also complain to a supervisory authority: in the UK the Information Commissioner's Office " +
	"(ico.org.uk/make-a-complaint, 0303 123 1113); in the EU the authority where you live or work. " +
	"You may also go to court."

func yourRights(cfg *config.Config) YourRights {
	return YourRights{Contact: cfg.Controller.Contact, Rights: append([]string(nil), rightsTexts...), Complaint: complaintText}
}

// RequestInfo is the registered request a report answers (pipeline sar
// --request ID).
type RequestInfo struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	Received       string `json:"received"`
	Due            string `json:"due"`
	ExtendedReason string `json:"extended_reason,omitempty"`
}

// AnswersRequest records in the report the request it answers.
func (r *Report) AnswersRequest(q Request) {
	r.Request = &RequestInfo{ID: q.ID, Type: q.Type, Received: q.Received.Format(time.DateOnly),
		Due: q.Due.Format(time.DateOnly), ExtendedReason: q.Extended}
}

// disclosures are the report's recipients in the subject's terms.
func disclosures(cfg *config.Config, rs []Recipient) []Disclosure {
	out := []Disclosure{}
	for _, rc := range rs {
		d := Disclosure{Recipient: rc.Recipient, Contact: rc.Contact, Date: rc.Date, What: []string{}}
		if c := cfg.Campaigns[rc.Campaign]; c != nil {
			d.Purpose = c.Purpose
		}
		for _, col := range rc.Columns {
			d.What = append(d.What, lowerFirst(fieldOf(col, "").Label))
		}
		out = append(out, d)
	}
	return out
}

// deletion says, for each kind of data the report found, when it is
// deleted: the sources' retention, then the datasets built from them.
func deletion(cfg *config.Config, f *Findings, r *Report) []Deletion {
	out := []Deletion{}
	for _, s := range r.Sources {
		src := cfg.Sources[s.Name]
		if src == nil || src.Role == config.RoleSuppression {
			continue
		}
		out = append(out, seenDates(Deletion{What: "data from " + sourceDescription(cfg, s.Name), Period: period(src.Retention)}, r.Seen, s.Name))
	}
	has := map[string]bool{}
	for _, fd := range r.Found {
		has[fd.Kind] = true
		has[fd.Dataset] = true
	}
	if has["prospects"] || has["deliverable"] {
		out = append(out, Deletion{What: "our prospect lists", Period: "rebuilt from the sources at every run: deleted with the source data"})
	}
	if has["export"] {
		out = append(out, Deletion{What: "the copies recipients received", Period: "kept by each recipient under its own retention; we tell them when you ask us to correct or erase"})
	}
	if len(f.Rejects) > 0 {
		out = append(out, Deletion{What: "lines we could not read", Period: "at most " + strings.Replace(period(cfg.Limits.RejectsRetention), "from loading", "from when they were set aside", 1)})
	}
	if has["suppression"] {
		out = append(out, Deletion{What: "do-not-contact records", Period: "kept while your objection, unsubscribe or erasure stands (a one-way hash only)"})
	}
	if has["audit"] {
		out = append(out, Deletion{What: "the record of your requests", Period: "kept as proof of how we handled them (our reference for you only, no contact details)"})
	}
	return out
}
