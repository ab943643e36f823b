// Package classify assigns every column of a warehouse table a data category
// from the taxonomy in docs/design.md: first from the column's name (token-aware,
// B2B-aware), then from a sample of its values examined in DuckDB, with pins
// from config overriding both. The result, one [Result] per column, is the
// catalog that drives the export gate, SAR and erasure.
//
// Evidence strings describe how a category was reached (method, ratio,
// sample size, pattern or rule name) and never contain raw values.
package classify

// Data categories of the taxonomy (docs/design.md, "Data categories").
const (
	ContactEmail           = "contact.email"
	ContactPhone           = "contact.phone"
	IdentityName           = "identity.name"
	OnlineProfileURL       = "online.profile_url"
	OnlineIdentifier       = "online.identifier"
	ProfessionalJobTitle   = "professional.job_title"
	LocationAddress        = "location.address"
	IdentityNationalID     = "identity.national_id"
	IdentityDemographic    = "identity.demographic"
	FinancialAccount       = "financial.account"
	SpecialCategory        = "special_category"
	PseudonymousSubjectKey = "pseudonymous.subject_key"
	CompanyName            = "company.name"
	CompanyDomain          = "company.domain"
	CompanyIndustry        = "company.industry"
	CompanySize            = "company.size"
	CompanyCountry         = "company.country"
	CompanyOther           = "company.other"
	Operational            = "operational"
	Unknown                = "unknown"
)

// Methods a [Result] may carry.
const (
	MethodName   = "name"
	MethodValues = "values"
	MethodPinned = "pinned"
)

// personal is the taxonomy's personal flag per category. A pseudonymous
// subject key is still personal data (GDPR recital 26).
var personal = map[string]bool{
	ContactEmail:           true,
	ContactPhone:           true,
	IdentityName:           true,
	OnlineProfileURL:       true,
	OnlineIdentifier:       true,
	ProfessionalJobTitle:   true,
	LocationAddress:        true,
	IdentityNationalID:     true,
	IdentityDemographic:    true,
	FinancialAccount:       true,
	SpecialCategory:        true,
	PseudonymousSubjectKey: true,
	CompanyName:            false,
	CompanyDomain:          false,
	CompanyIndustry:        false,
	CompanySize:            false,
	CompanyCountry:         false,
	CompanyOther:           false,
	Operational:            false,
	Unknown:                false,
}

// Categories returns every category of the taxonomy, personal ones first, in
// a stable order.
func Categories() []string {
	return []string{
		ContactEmail, ContactPhone, IdentityName, OnlineProfileURL, OnlineIdentifier,
		ProfessionalJobTitle, LocationAddress, IdentityNationalID, IdentityDemographic,
		FinancialAccount, SpecialCategory, PseudonymousSubjectKey,
		CompanyName, CompanyDomain, CompanyIndustry, CompanySize, CompanyCountry,
		CompanyOther, Operational, Unknown,
	}
}

// IsSpecial reports whether category is the Art. 9 special category, which
// is never exportable whatever the config says.
func IsSpecial(category string) bool { return category == SpecialCategory }

// IsPersonal reports the taxonomy's personal flag for category. Unknown
// categories (including unknown strings) are not personal by this flag; the
// export gate treats "unknown" with personal-looking values separately
// (see [Result.LooksPersonal]).
func IsPersonal(category string) bool { return personal[category] }

// IsKnown reports whether category is part of the taxonomy; config
// validation uses it to reject a pin to a misspelt category.
func IsKnown(category string) bool {
	_, ok := personal[category]
	return ok
}
