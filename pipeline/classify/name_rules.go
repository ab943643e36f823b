package classify

import "strings"

// nameCtx is one column name being matched by the name rules.
type nameCtx struct {
	t         tokenSet
	toks      []string
	column    string
	company   bool // a company qualifier is among the tokens
	dsCompany bool // the dataset's name says it holds companies
}

// m is the rule's match, with the value-detector hint the name gives.
func (c *nameCtx) m(cat string, conf float64, rule string) nameMatch {
	nm := nameMatch{category: cat, confidence: conf, rule: rule, tokens: c.toks}
	switch {
	case c.t["birth"]:
		nm.hint = "birth"
	case c.t["passport"]:
		nm.hint = "passport"
	}
	return nm
}

// nameRules are the name rules in the order they are tried: special
// categories win over every other name rule, company identifiers come
// before national ones ("registered_number"), and so on.
var nameRules = []func(*nameCtx) (nameMatch, bool){
	ruleKeys,
	ruleSpecial,
	ruleEmail,
	ruleOnline,
	ruleSocial,
	ruleCompanyID,
	ruleFinancial,
	ruleNationalID,
	ruleDemographic,
	ruleCompanyFacts,
	rulePhone,
	ruleAddress,
	ruleCredential,
	ruleJobTitle,
	ruleName,
	ruleOperational,
}

// ruleKeys: Provenance and pseudonymous keys.
func ruleKeys(c *nameCtx) (nameMatch, bool) {
	t, column, m := c.t, c.column, c.m
	if strings.HasPrefix(column, "_") {
		return m(Operational, 0.95, "provenance column (leading underscore)"), true
	}
	if t.all("subject", "key") || t.any("sha", "md5", "hash", "hashed", "digest", "tombstone") {
		return m(PseudonymousSubjectKey, 0.9, "subject key or hashed identifier"), true
	}
	return nameMatch{}, false
}

// ruleSpecial: Special categories win over every other name rule.
func ruleSpecial(c *nameCtx) (nameMatch, bool) {
	t, company, m := c.t, c.company, c.m
	if t.any(specialTokens...) {
		switch {
		case t["health"] && t.any("score", "check", "index", "status") && (company || t.any("customer", "system", "service")):
			return m(Operational, 0.6, "account/system health metric"), true
		case t["orientation"] && !t.any("sexual", "sex"):
			// "page_orientation": not Art. 9
		case t.any("diet", "dietary") && !t.any("requirement", "requirements", "preference", "needs"):
		default:
			return m(SpecialCategory, 0.95, "special-category term"), true
		}
	}
	if t["sexual"] || t.all("sex", "life") || (t["union"] && !t.any("european", "eu")) ||
		t.all("trade", "union") || t.all("party", "affiliation") {
		return m(SpecialCategory, 0.95, "special-category term"), true
	}
	return nameMatch{}, false
}

// ruleEmail: Email and its many non-email relatives ("casilla de correo" is a PO box).
func ruleEmail(c *nameCtx) (nameMatch, bool) {
	t, m := c.t, c.m
	if t["pobox"] {
		return m(LocationAddress, 0.85, "po box"), true
	}
	if t["email"] {
		switch {
		case t.any("pattern", "format", "template"):
			return m(CompanyOther, 0.9, "company email pattern"), true
		case t.any("domain", "domains"):
			return m(CompanyDomain, 0.85, "email domain"), true
		case t.any(statusModifiers...) || t.any("id", "campaign", "date", "at", "timestamp"):
			return m(Operational, 0.85, "email status/derived attribute"), true
		case t.any("company", "generic", "general", "info", "office", "main", "hq", "org", "switchboard", "reception", "role"):
			return m(CompanyOther, 0.8, "company mailbox"), true
		}
		return m(ContactEmail, 0.9, "email"), true
	}
	return nameMatch{}, false
}

// ruleOnline: Online identifiers.
func ruleOnline(c *nameCtx) (nameMatch, bool) {
	t, m := c.t, c.m
	if t["ip"] || t.any("mac", "cookie", "imei", "idfa", "gaid", "fingerprint") ||
		(t.any("device", "session", "visitor", "browser") && t["id"]) || t.all("user", "agent") ||
		(t.any("src", "dst", "source", "destination", "remote", "client") && t["address"] && !t.any("postcode", "city", "billing", "postal", "street")) {
		return m(OnlineIdentifier, 0.85, "network or device identifier"), true
	}
	return nameMatch{}, false
}

// ruleSocial: Social profiles.
func ruleSocial(c *nameCtx) (nameMatch, bool) {
	t, company, m := c.t, c.company, c.m
	if t.any(socialTokens...) || t.all("profile", "url") || t.all("profile", "link") ||
		t["social"] && t.any("url", "link", "handle", "media", "profile") {
		if company || t.any("page") {
			return m(CompanyOther, 0.8, "company social page"), true
		}
		if t.any(statusModifiers...) || t["id"] && !t.any("url", "link", "handle") {
			return m(Operational, 0.6, "social profile attribute"), true
		}
		return m(OnlineProfileURL, 0.9, "social profile"), true
	}
	return nameMatch{}, false
}

// ruleCompanyID: Company identifiers (before national identifiers: "registered_number").
func ruleCompanyID(c *nameCtx) (nameMatch, bool) {
	t, company, m := c.t, c.company, c.m
	if t.any(companyIDTokens...) || (t.any("registered", "company", "registration") && t.any("number", "code", "id") && !t.any("phone", "email")) ||
		(t.all("tax", "id") && company) {
		if t.any("sic", "naics") {
			return m(CompanyIndustry, 0.9, "industry classification code"), true
		}
		if t["id"] && !t.any("vat", "tax", "registered", "registration", "duns", "lei", "ein", "eori") {
			return m(Operational, 0.7, "company record identifier"), true
		}
		return m(CompanyOther, 0.9, "company registration/tax identifier"), true
	}
	return nameMatch{}, false
}

// ruleFinancial: Financial accounts.
func ruleFinancial(c *nameCtx) (nameMatch, bool) {
	t, company, m := c.t, c.company, c.m
	if t["card"] && !t.any("type", "count", "brand") || t.any("iban", "bic", "swift", "routing") ||
		t.all("sort", "code") || t.all("bank", "account") || t["bank"] && !t.any("holiday", "holidays") ||
		t["account"] && t["number"] && !company {
		return m(FinancialAccount, 0.9, "bank or card account"), true
	}
	return nameMatch{}, false
}

// ruleNationalID: National identifiers.
func ruleNationalID(c *nameCtx) (nameMatch, bool) {
	t, m := c.t, c.m
	if t.any("natid", "passport") || t.all("social", "security") || t.all("social", "number") ||
		t.all("national", "insurance") || t.all("national", "id") || t.all("ni", "number") ||
		(t["nhs"] && !t.any("trust", "region")) || (t["licence"] && !t.any("key", "count", "seats", "type", "plan", "expiry", "expires")) ||
		t.all("tax", "id") || t.all("id", "card") || t.all("identity", "card") || t["tin"] {
		return m(IdentityNationalID, 0.9, "national identifier"), true
	}
	return nameMatch{}, false
}

// ruleDemographic: Demographics.
func ruleDemographic(c *nameCtx) (nameMatch, bool) {
	t, company, m := c.t, c.company, c.m
	if t["birth"] {
		return m(IdentityDemographic, 0.9, "date of birth"), true
	}
	if t.any("gender", "sex", "nationality", "native", "citizenship", "marital", "title_prefix", "salutation", "honorific") ||
		t.all("family", "status") || (t["age"] && !t.any("account", "company", "record", "data", "cache", "file")) ||
		t["language"] && !t.any("code", "preferred") && !company {
		return m(IdentityDemographic, 0.85, "demographic attribute"), true
	}
	return nameMatch{}, false
}

// ruleCompanyFacts: Company facts.
func ruleCompanyFacts(c *nameCtx) (nameMatch, bool) {
	t, toks, company, m := c.t, c.toks, c.company, c.m
	if t.any("country", "countries") {
		if t.any("birth", "nationality", "citizenship") {
			return m(IdentityDemographic, 0.8, "demographic attribute"), true
		}
		return m(CompanyCountry, 0.8, "country"), true
	}
	if t.any("industry", "sector", "vertical", "industries") {
		return m(CompanyIndustry, 0.9, "industry"), true
	}
	if (t["employee"] && t.any("count", "number", "band", "range", "size", "total")) || t.all("employee") && len(toks) == 1 ||
		(t["size"] && (company || len(toks) == 1)) || t.any("revenue", "turnover") {
		return m(CompanySize, 0.85, "company size"), true
	}
	if t.any("website", "domain", "domains", "homepage", "url", "site", "uri") && !t.any("profile", "photo", "avatar", "picture", "image") {
		return m(CompanyDomain, 0.8, "website or domain"), true
	}
	if t.all("company", "type") || t.any("ownership", "legal") && company || t["pattern"] {
		return m(CompanyOther, 0.8, "company attribute"), true
	}
	return nameMatch{}, false
}

// rulePhone: Phones.
func rulePhone(c *nameCtx) (nameMatch, bool) {
	t, m := c.t, c.m
	if t["phone"] {
		switch {
		case t.any("type", "verified", "valid", "status", "count", "opt", "tps", "ctps", "consent", "country", "prefix", "region") && !t["number"]:
			return m(Operational, 0.8, "phone status/derived attribute"), true
		case t.any("company", "main", "switchboard", "office", "hq", "reception", "head", "general"):
			return m(CompanyOther, 0.75, "company switchboard"), true
		}
		return m(ContactPhone, 0.9, "phone"), true
	}
	return nameMatch{}, false
}

// ruleAddress: Addresses.
func ruleAddress(c *nameCtx) (nameMatch, bool) {
	t, toks, company, dsCompany, m := c.t, c.toks, c.company, c.dsCompany, c.m
	if t.any("address", "postcode", "pobox", "city", "county", "latitude", "longitude", "lat", "lng", "lon", "geo", "geolocation", "coordinates", "location", "house", "flat", "apartment", "suburb", "province") ||
		len(toks) == 1 && t["state"] {
		if company || dsCompany {
			return m(CompanyOther, 0.75, "company address"), true
		}
		return m(LocationAddress, 0.85, "address"), true
	}
	return nameMatch{}, false
}

// ruleCredential: Credentials and user handles.
func ruleCredential(c *nameCtx) (nameMatch, bool) {
	t, toks, m := c.t, c.toks, c.m
	if t["password"] || t["user"] && (len(toks) == 1 || t.any("name", "handle")) && !t.any("first", "last", "full", "middle") {
		return m(OnlineIdentifier, 0.8, "account credential or user handle"), true
	}
	return nameMatch{}, false
}

// ruleJobTitle: Job titles and derived job attributes.
func ruleJobTitle(c *nameCtx) (nameMatch, bool) {
	t, toks, dsCompany, m := c.t, c.toks, c.dsCompany, c.m
	if t.any("seniority", "department", "function") && !t.any("title") {
		return m(Operational, 0.8, "derived job attribute"), true
	}
	if t["title"] && !t.any("page", "document", "doc", "book", "product", "video", "article", "post", "email", "campaign", "report", "song", "movie", "film") ||
		t.any("position", "designation", "occupation", "jobtitle", "profession") ||
		t["job"] && t.any("role", "function", "description", "name") || len(toks) == 1 && t["role"] && !dsCompany {
		return m(ProfessionalJobTitle, 0.85, "job title"), true
	}
	return nameMatch{}, false
}

// ruleName: Names.
func ruleName(c *nameCtx) (nameMatch, bool) {
	t, toks, dsCompany, m := c.t, c.toks, c.dsCompany, c.m
	if t["name"] || t["first"] && len(toks) == 1 || t["last"] && len(toks) == 1 || t.all("initials") || t["initial"] {
		switch {
		case t.any("company", "org", "business", "employer", "firm", "trading", "legal", "registered", "brand", "account", "vendor", "supplier", "merchant", "agency", "parent", "bank"):
			return m(CompanyName, 0.85, "company name"), true
		case t.any("domain"):
			return m(CompanyDomain, 0.8, "domain name"), true
		case t.any("city", "street"):
			return m(LocationAddress, 0.8, "place name"), true
		case t.any(nameNonPerson...) && !t.any(personRoles...):
			return m(Operational, 0.7, "name of a non-person thing"), true
		case t.any("id", "count", "type", "status", "flag", "is", "has", "valid", "verified", "length", "match", "matched", "score"):
			return m(Operational, 0.7, "attribute of a name"), true
		case dsCompany && len(toks) == 1:
			return m(CompanyName, 0.75, "bare name in a company dataset"), true
		}
		conf := 0.9
		if len(toks) == 1 {
			conf = 0.7
		}
		return m(IdentityName, conf, "person name"), true
	}
	if t.any("company", "org", "employer", "business", "firm", "organisation") && len(toks) == 1 {
		return m(CompanyName, 0.7, "company"), true
	}
	if t.any(personRoles...) && !t.any("id", "count", "type", "level", "role", "status", "flag", "department", "date", "at", "number", "score", "title", "is", "has") ||
		t["from"] && !t.any(temporalTokens...) && !t.any("source", "country") {
		return m(IdentityName, 0.7, "person in a role"), true
	}
	return nameMatch{}, false
}

// ruleOperational: Operational.
func ruleOperational(c *nameCtx) (nameMatch, bool) {
	t, column, m := c.t, c.column, c.m
	if t.any(operationalTokens...) || strings.HasSuffix(strings.ToLower(column), "_id") {
		return m(Operational, 0.7, "identifier, timestamp, status or metric"), true
	}
	return nameMatch{}, false
}
