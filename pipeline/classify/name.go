package classify

import (
	"fmt"
	"strings"
)

// nameMatch is what the name detector concluded about one column.
type nameMatch struct {
	category   string
	confidence float64
	rule       string
	tokens     []string
	// hint names a value detector that needs the column name's support
	// (dates of birth, passports): "birth", "passport" or "".
	hint string
}

// tokenSet answers membership questions over a column's tokens.
type tokenSet map[string]bool

func (t tokenSet) any(words ...string) bool {
	for _, w := range words {
		if t[w] {
			return true
		}
	}
	return false
}

func (t tokenSet) all(words ...string) bool {
	for _, w := range words {
		if !t[w] {
			return false
		}
	}
	return true
}

// Token groups used by the rules below.
var (
	companyQualifiers = []string{"company", "org", "business", "employer", "firm", "corporate",
		"registered", "hq", "head", "office", "trading", "account", "vendor", "supplier", "merchant",
		"brand", "parent", "generic", "general", "info", "main", "switchboard", "reception", "billing"}
	statusModifiers = []string{"verified", "verification", "valid", "validity", "type", "status", "origin", "source",
		"opt", "optin", "optout", "consent", "bounce", "bounced", "bounces", "count", "sent", "opened",
		"open", "clicked", "click", "deliverable", "deliverability", "score", "flag", "is", "has",
		"confidence", "unsubscribed", "subscribed", "quality", "result", "check", "checked", "tps",
		"ctps", "present", "missing", "exists", "allowed", "level", "source", "provider", "kind"}
	operationalTokens = []string{"id", "key", "created", "updated", "modified", "loaded", "deleted",
		"timestamp", "at", "date", "time", "status", "flag", "is", "has", "type", "count", "total",
		"amount", "score", "run", "batch", "version", "source", "seq", "sequence", "row", "index",
		"checksum", "department", "seniority", "subscriber", "gdpr", "region", "consent", "opt",
		"optin", "unsubscribed", "suppressed", "campaign", "segment", "channel", "reason", "priority",
		"stage", "rank", "rating", "currency", "price", "cost", "quantity", "level", "category", "tier",
		"credit", "credits", "duration", "purpose", "risk", "legality", "valid", "expires", "expiry",
		"window", "period", "retention", "partition", "bucket", "shard", "lineage", "manifest",
		"file", "path", "checked", "verified", "format", "lead", "deal", "pipeline",
		"list", "kind", "label", "tag", "tags", "code", "mode", "method", "weight"}
	personRoles = []string{"ceo", "cfo", "cto", "coo", "cmo", "cio", "md", "manager", "director",
		"advisor", "adviser", "owner", "founder", "president", "chairman", "chairwoman", "chair",
		"secretary", "representative", "rep", "agent", "contact", "sender", "recipient", "author",
		"signatory", "person", "employee", "athlete", "patient", "customer", "client", "member",
		"prospect", "candidate", "applicant", "passenger", "student", "guardian", "spouse",
		"emergency", "nominee", "beneficiary", "approver", "assignee", "reporter"}
	nameNonPerson = []string{"product", "file", "campaign", "table", "source", "event", "list",
		"segment", "host", "hostname", "app", "application", "project", "column", "field", "schema",
		"database", "team", "plan", "tag", "category", "feature", "model", "role", "group", "package",
		"service", "server", "device", "browser", "os", "sheet", "report", "job", "task", "stage",
		"pipeline", "dataset", "bucket", "queue", "topic", "template", "display", "short", "variable",
		"metric", "export", "sink", "connector", "region", "currency", "language", "item", "sku"}
	specialTokens = []string{"health", "medical", "diagnosis", "disability", "disabilities",
		"disabled", "illness", "allergy", "allergies", "medication", "medications", "religion",
		"religious", "faith", "creed", "ethnicity", "ethnic", "race", "racial", "political",
		"politics", "biometric", "biometrics", "fingerprint", "fingerprints", "genetic", "dna",
		"pregnancy", "pregnant", "hiv", "mental", "criminal", "conviction", "convictions",
		"sexuality", "orientation", "diet", "dietary"}
	socialTokens = []string{"linkedin", "twitter", "github", "facebook", "instagram",
		"tiktok", "youtube", "xing"}
	companyIDTokens = []string{"vat", "crn", "duns", "lei", "ein", "eori", "sic", "naics", "ticker",
		"isin", "registration", "incorporation", "incorporated", "founded", "ownership", "listed"}
	temporalTokens = []string{"date", "time", "timestamp", "at", "on", "valid", "day", "year",
		"month", "since", "until", "period"}
)

// matchName applies the name rules (nameRules) in order; the first that
// matches wins. dataset is used only as context (a bare "name" in a
// companies dataset is the company's name).
func matchName(dataset, column string) nameMatch {
	toks := Tokens(column)
	t := make(tokenSet, len(toks))
	for _, w := range toks {
		t[w] = true
	}
	c := &nameCtx{t: t, toks: toks, column: column, company: t.any(companyQualifiers...), dsCompany: datasetIsCompany(dataset)}
	if len(toks) == 0 {
		return c.m(Unknown, 0, "empty name")
	}
	for _, rule := range nameRules {
		if nm, ok := rule(c); ok {
			return nm
		}
	}
	return c.m(Unknown, 0, "no name rule matched")
}

// datasetIsCompany reports whether a dataset's name says it holds companies
// (companies, accounts, organisations, firms, employers).
func datasetIsCompany(dataset string) bool {
	for _, w := range Tokens(dataset) {
		switch w {
		case "company", "org", "firm", "firms", "employer", "employers", "accounts", "business", "businesses":
			return true
		}
	}
	return false
}

// ByName classifies a column from its name alone (used at validate time,
// before any data exists). A pin for "dataset.column" overrides the rules.
// It is safe for concurrent use.
func ByName(dataset, column string, pins map[string]string) Result {
	if r, ok := pinned(dataset, column, pins); ok {
		return r
	}
	nm := matchName(dataset, column)
	return Result{
		Dataset:    dataset,
		Column:     column,
		Category:   nm.category,
		Personal:   IsPersonal(nm.category),
		Confidence: nm.confidence,
		Method:     MethodName,
		Evidence:   nameEvidence(nm),
	}
}

func nameEvidence(nm nameMatch) string {
	return fmt.Sprintf("name: tokens [%s] -> %s (%s)", strings.Join(nm.tokens, " "), nm.category, nm.rule)
}

// pinned returns the pinned result for dataset.column, if config pins it.
func pinned(dataset, column string, pins map[string]string) (Result, bool) {
	cat, ok := pins[dataset+"."+column]
	if !ok {
		return Result{}, false
	}
	ev := "pinned in config (classification.pin)"
	if !IsKnown(cat) {
		ev += "; category not in taxonomy, treated as unknown"
		cat = Unknown
	}
	return Result{
		Dataset: dataset, Column: column, Category: cat, Personal: IsPersonal(cat),
		Confidence: 1, Method: MethodPinned, Evidence: ev,
	}, true
}
