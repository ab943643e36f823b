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

// matchName applies the name rules in order; the first that matches wins.
// dataset is used only as context (a bare "name" in a companies dataset is
// the company's name).
func matchName(dataset, column string) nameMatch {
	toks := Tokens(column)
	t := make(tokenSet, len(toks))
	for _, w := range toks {
		t[w] = true
	}
	m := func(cat string, conf float64, rule string) nameMatch {
		nm := nameMatch{category: cat, confidence: conf, rule: rule, tokens: toks}
		switch {
		case t["birth"]:
			nm.hint = "birth"
		case t["passport"]:
			nm.hint = "passport"
		}
		return nm
	}
	dsCompany := datasetIsCompany(dataset)
	company := t.any(companyQualifiers...)
	if len(toks) == 0 {
		return m(Unknown, 0, "empty name")
	}

	// Provenance and pseudonymous keys.
	if strings.HasPrefix(column, "_") {
		return m(Operational, 0.95, "provenance column (leading underscore)")
	}
	if t.all("subject", "key") || t.any("sha", "md5", "hash", "hashed", "digest", "tombstone") {
		return m(PseudonymousSubjectKey, 0.9, "subject key or hashed identifier")
	}

	// Special categories win over every other name rule.
	if t.any(specialTokens...) {
		switch {
		case t["health"] && t.any("score", "check", "index", "status") && (company || t.any("customer", "system", "service")):
			return m(Operational, 0.6, "account/system health metric")
		case t["orientation"] && !t.any("sexual", "sex"):
			// "page_orientation": not Art. 9
		case t.any("diet", "dietary") && !t.any("requirement", "requirements", "preference", "needs"):
		default:
			return m(SpecialCategory, 0.95, "special-category term")
		}
	}
	if t["sexual"] || t.all("sex", "life") || (t["union"] && !t.any("european", "eu")) ||
		t.all("trade", "union") || t.all("party", "affiliation") {
		return m(SpecialCategory, 0.95, "special-category term")
	}

	// Email and its many non-email relatives ("casilla de correo" is a PO box).
	if t["pobox"] {
		return m(LocationAddress, 0.85, "po box")
	}
	if t["email"] {
		switch {
		case t.any("pattern", "format", "template"):
			return m(CompanyOther, 0.9, "company email pattern")
		case t.any("domain", "domains"):
			return m(CompanyDomain, 0.85, "email domain")
		case t.any(statusModifiers...) || t.any("id", "campaign", "date", "at", "timestamp"):
			return m(Operational, 0.85, "email status/derived attribute")
		case t.any("company", "generic", "general", "info", "office", "main", "hq", "org", "switchboard", "reception", "role"):
			return m(CompanyOther, 0.8, "company mailbox")
		}
		return m(ContactEmail, 0.9, "email")
	}

	// Online identifiers.
	if t["ip"] || t.any("mac", "cookie", "imei", "idfa", "gaid", "fingerprint") ||
		(t.any("device", "session", "visitor", "browser") && t["id"]) || t.all("user", "agent") ||
		(t.any("src", "dst", "source", "destination", "remote", "client") && t["address"] && !t.any("postcode", "city", "billing", "postal", "street")) {
		return m(OnlineIdentifier, 0.85, "network or device identifier")
	}

	// Social profiles.
	if t.any(socialTokens...) || t.all("profile", "url") || t.all("profile", "link") ||
		t["social"] && t.any("url", "link", "handle", "media", "profile") {
		if company || t.any("page") {
			return m(CompanyOther, 0.8, "company social page")
		}
		if t.any(statusModifiers...) || t["id"] && !t.any("url", "link", "handle") {
			return m(Operational, 0.6, "social profile attribute")
		}
		return m(OnlineProfileURL, 0.9, "social profile")
	}

	// Company identifiers (before national identifiers: "registered_number").
	if t.any(companyIDTokens...) || (t.any("registered", "company", "registration") && t.any("number", "code", "id") && !t.any("phone", "email")) ||
		(t.all("tax", "id") && company) {
		if t.any("sic", "naics") {
			return m(CompanyIndustry, 0.9, "industry classification code")
		}
		if t["id"] && !t.any("vat", "tax", "registered", "registration", "duns", "lei", "ein", "eori") {
			return m(Operational, 0.7, "company record identifier")
		}
		return m(CompanyOther, 0.9, "company registration/tax identifier")
	}

	// Financial accounts.
	if t["card"] && !t.any("type", "count", "brand") || t.any("iban", "bic", "swift", "routing") ||
		t.all("sort", "code") || t.all("bank", "account") || t["bank"] && !t.any("holiday", "holidays") ||
		t["account"] && t["number"] && !company {
		return m(FinancialAccount, 0.9, "bank or card account")
	}

	// National identifiers.
	if t.any("natid", "passport") || t.all("social", "security") || t.all("social", "number") ||
		t.all("national", "insurance") || t.all("national", "id") || t.all("ni", "number") ||
		(t["nhs"] && !t.any("trust", "region")) || (t["licence"] && !t.any("key", "count", "seats", "type", "plan", "expiry", "expires")) ||
		t.all("tax", "id") || t.all("id", "card") || t.all("identity", "card") || t["tin"] {
		return m(IdentityNationalID, 0.9, "national identifier")
	}

	// Demographics.
	if t["birth"] {
		return m(IdentityDemographic, 0.9, "date of birth")
	}
	if t.any("gender", "sex", "nationality", "native", "citizenship", "marital", "title_prefix", "salutation", "honorific") ||
		t.all("family", "status") || (t["age"] && !t.any("account", "company", "record", "data", "cache", "file")) ||
		t["language"] && !t.any("code", "preferred") && !company {
		return m(IdentityDemographic, 0.85, "demographic attribute")
	}

	// Company facts.
	if t.any("country", "countries") {
		if t.any("birth", "nationality", "citizenship") {
			return m(IdentityDemographic, 0.8, "demographic attribute")
		}
		return m(CompanyCountry, 0.8, "country")
	}
	if t.any("industry", "sector", "vertical", "industries") {
		return m(CompanyIndustry, 0.9, "industry")
	}
	if (t["employee"] && t.any("count", "number", "band", "range", "size", "total")) || t.all("employee") && len(toks) == 1 ||
		(t["size"] && (company || len(toks) == 1)) || t.any("revenue", "turnover") {
		return m(CompanySize, 0.85, "company size")
	}
	if t.any("website", "domain", "domains", "homepage", "url", "site", "uri") && !t.any("profile", "photo", "avatar", "picture", "image") {
		return m(CompanyDomain, 0.8, "website or domain")
	}
	if t.all("company", "type") || t.any("ownership", "legal") && company || t["pattern"] {
		return m(CompanyOther, 0.8, "company attribute")
	}

	// Phones.
	if t["phone"] {
		switch {
		case t.any("type", "verified", "valid", "status", "count", "opt", "tps", "ctps", "consent", "country", "prefix", "region") && !t["number"]:
			return m(Operational, 0.8, "phone status/derived attribute")
		case t.any("company", "main", "switchboard", "office", "hq", "reception", "head", "general"):
			return m(CompanyOther, 0.75, "company switchboard")
		}
		return m(ContactPhone, 0.9, "phone")
	}

	// Addresses.
	if t.any("address", "postcode", "pobox", "city", "county", "latitude", "longitude", "lat", "lng", "lon", "geo", "geolocation", "coordinates", "location", "house", "flat", "apartment", "suburb", "province") ||
		len(toks) == 1 && t["state"] {
		if company || dsCompany {
			return m(CompanyOther, 0.75, "company address")
		}
		return m(LocationAddress, 0.85, "address")
	}

	// Credentials and user handles.
	if t["password"] || t["user"] && (len(toks) == 1 || t.any("name", "handle")) && !t.any("first", "last", "full", "middle") {
		return m(OnlineIdentifier, 0.8, "account credential or user handle")
	}

	// Job titles and derived job attributes.
	if t.any("seniority", "department", "function") && !t.any("title") {
		return m(Operational, 0.8, "derived job attribute")
	}
	if t["title"] && !t.any("page", "document", "doc", "book", "product", "video", "article", "post", "email", "campaign", "report", "song", "movie", "film") ||
		t.any("position", "designation", "occupation", "jobtitle", "profession") ||
		t["job"] && t.any("role", "function", "description", "name") || len(toks) == 1 && t["role"] && !dsCompany {
		return m(ProfessionalJobTitle, 0.85, "job title")
	}

	// Names.
	if t["name"] || t["first"] && len(toks) == 1 || t["last"] && len(toks) == 1 || t.all("initials") || t["initial"] {
		switch {
		case t.any("company", "org", "business", "employer", "firm", "trading", "legal", "registered", "brand", "account", "vendor", "supplier", "merchant", "agency", "parent", "bank"):
			return m(CompanyName, 0.85, "company name")
		case t.any("domain"):
			return m(CompanyDomain, 0.8, "domain name")
		case t.any("city", "street"):
			return m(LocationAddress, 0.8, "place name")
		case t.any(nameNonPerson...) && !t.any(personRoles...):
			return m(Operational, 0.7, "name of a non-person thing")
		case t.any("id", "count", "type", "status", "flag", "is", "has", "valid", "verified", "length", "match", "matched", "score"):
			return m(Operational, 0.7, "attribute of a name")
		case dsCompany && len(toks) == 1:
			return m(CompanyName, 0.75, "bare name in a company dataset")
		}
		conf := 0.9
		if len(toks) == 1 {
			conf = 0.7
		}
		return m(IdentityName, conf, "person name")
	}
	if t.any("company", "org", "employer", "business", "firm", "organisation") && len(toks) == 1 {
		return m(CompanyName, 0.7, "company")
	}
	if t.any(personRoles...) && !t.any("id", "count", "type", "level", "role", "status", "flag", "department", "date", "at", "number", "score", "title", "is", "has") ||
		t["from"] && !t.any(temporalTokens...) && !t.any("source", "country") {
		return m(IdentityName, 0.7, "person in a role")
	}

	// Operational.
	if t.any(operationalTokens...) || strings.HasSuffix(strings.ToLower(column), "_id") {
		return m(Operational, 0.7, "identifier, timestamp, status or metric")
	}
	return m(Unknown, 0, "no name rule matched")
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
