package flow

// Canonical is one canonical column: what it means and where its value
// comes from. The dictionary is the one place these are written; export
// manifests, the Parquet files' metadata, the catalog and
// docs/data-dictionary.md (TestDataDictionaryFile) are generated from it.
type Canonical struct {
	Name        string
	Description string // one line
	// From, for a prospects column, names the canonical column of a source
	// role it is read from ("people.email", "companies.name"); "" when it
	// is derived by the pipeline alone.
	From string
	// Derivation says how the value is computed or normalised.
	Derivation string
}

// DictionarySection is one dataset's canonical columns.
type DictionarySection struct {
	Dataset, About string
	Columns        []Canonical
}

// Dictionary lists the canonical columns of every source role and of
// prospects (what exports select from), in table order.
var Dictionary = []DictionarySection{
	{Dataset: "companies", About: "a companies source (role companies): company data, not personal", Columns: []Canonical{
		{Name: "domain", Description: "the company's web domain, its key", Derivation: "normalised: lower case, no scheme, no www."},
		{Name: "name", Description: "the company's name"},
		{Name: "industry", Description: "the company's industry"},
		{Name: "employees", Description: "the number of employees"},
		{Name: "country", Description: "the company's country (ISO 3166-1 alpha-2)"},
		{Name: "email_pattern", Description: "how the company forms work emails, e.g. {first}.{last}"},
		{Name: "company_type", Description: "the legal form as the vendor wrote it (ltd, plc, llp, sole trader, ...)", Derivation: "read through sql/company_type_rules.csv to decide the PECR subscriber type"},
	}},
	{Dataset: "people", About: "a people source (role people): personal data", Columns: []Canonical{
		{Name: "first_name", Description: "the person's first name"},
		{Name: "last_name", Description: "the person's last name"},
		{Name: "email", Description: "the person's work email"},
		{Name: "job_title", Description: "the person's job title"},
		{Name: "company_domain", Description: "the domain of the company the person works for"},
		{Name: "phone", Description: "the person's work phone number"},
		{Name: "linkedin_url", Description: "the person's social profile URL"},
		{Name: "country", Description: "the person's country (ISO 3166-1 alpha-2)"},
	}},
	{Dataset: "consent", About: "a consent source (role consent): stored hashed, the email is never kept", Columns: []Canonical{
		{Name: "email", Description: "the subject's email (read, never stored)", Derivation: "stored as subject_key: hex SHA-256 of the normalised email"},
		{Name: "given_at", Description: "when consent was given (date or timestamp)"},
		{Name: "wording", Description: "the wording or version of the consent statement"},
		{Name: "channel", Description: "the channel consented to (email, phone, linkedin)"},
		{Name: "withdrawn_at", Description: "when consent was withdrawn, if it was"},
	}},
	{Dataset: "prospects", About: "derived by the pipeline: people in targeting.roles at target companies, one row per subject; exports select from it", Columns: []Canonical{
		{Name: "subject_key", Description: "pseudonymous key of the data subject", Derivation: "hex SHA-256 of the normalised email"},
		{Name: "first_name", Description: "first name", From: "people.first_name", Derivation: "trimmed"},
		{Name: "last_name", Description: "last name", From: "people.last_name", Derivation: "trimmed"},
		{Name: "job_title", Description: "job title", From: "people.job_title", Derivation: "trimmed"},
		{Name: "department", Description: "department derived from the job title (executive, finance, sales, ...)", From: "people.job_title", Derivation: "sql/title_rules.csv"},
		{Name: "seniority", Description: "seniority derived from the job title (c_level, vp, director, ...)", From: "people.job_title", Derivation: "sql/title_rules.csv"},
		{Name: "email", Description: "work email", From: "people.email", Derivation: "trimmed and lower-cased; derived from the company's email_pattern when the source gives none"},
		{Name: "email_type", Description: "personal | role | free_webmail | invalid", From: "people.email", Derivation: "the vendored role-mailbox and webmail lists"},
		{Name: "email_origin", Description: "where the email came from: source | pattern", Derivation: "pattern when derived from companies.email_pattern"},
		{Name: "subscriber_type", Description: "PECR subscriber type: corporate | individual | unknown", From: "companies.company_type", Derivation: "sql/company_type_rules.csv, the name's legal suffix, free webmail"},
		{Name: "subscriber_basis", Description: "which column and rule decided subscriber_type", From: "companies.company_type"},
		{Name: "phone", Description: "work phone number in E.164", From: "people.phone", Derivation: "normalised with the person's (or company's) country"},
		{Name: "linkedin_url", Description: "social profile URL", From: "people.linkedin_url", Derivation: "trimmed"},
		{Name: "company_name", Description: "the employer's name", From: "companies.name"},
		{Name: "company_domain", Description: "the employer's web domain", From: "people.company_domain", Derivation: "normalised: lower case, no scheme, no www."},
		{Name: "industry", Description: "the employer's industry", From: "companies.industry"},
		{Name: "employees", Description: "the employer's number of employees", From: "companies.employees"},
		{Name: "country", Description: "country (ISO 3166-1 alpha-2)", From: "companies.country", Derivation: "the company's country, else the person's"},
		{Name: "gdpr_region", Description: "true when the country is in the EEA or the UK", From: "companies.country"},
		{Name: "_source", Description: "the source the kept row came from", Derivation: "provenance"},
		{Name: "_sources", Description: "every source that named this subject", Derivation: "provenance"},
		{Name: "_run_id", Description: "the run that built the row", Derivation: "provenance"},
		{Name: "_loaded_at", Description: "when the run started (UTC)", Derivation: "provenance"},
	}},
}

// canonicalOf returns a prospects column's dictionary entry.
func canonicalOf(column string) (Canonical, bool) {
	for _, s := range Dictionary {
		if s.Dataset != "prospects" {
			continue
		}
		for _, c := range s.Columns {
			if c.Name == column {
				return c, true
			}
		}
	}
	return Canonical{}, false
}
