package config

import "slices"

// Source roles.
const (
	RoleCompanies   = "companies"   // target-company lists
	RolePeople      = "people"      // person data joined to companies
	RoleSuppression = "suppression" // do-not-contact lists (need Kind and Reason)
	RoleReference   = "reference"   // staged and classified, no part in the flow
	RoleConsent     = "consent"     // consent records (email, given_at, wording, channel, withdrawn_at) behind consent campaigns
)

// Lawful bases a campaign may declare.
const (
	LegitimateInterests = "legitimate_interests" // needs a passed LIA
	Consent             = "consent"              // LIA optional
)

// LIAPassed is the value every LIA test must have before personal data can be exported.
const LIAPassed = "passed"

// Vocabularies. They are read-only: do not modify them.
var (
	// SourceRoles are the allowed values of sources.*.role.
	SourceRoles = []string{RoleCompanies, RolePeople, RoleSuppression, RoleReference, RoleConsent}
	// SuppressionKinds are the allowed values of sources.*.kind.
	SuppressionKinds = []string{"email", "domain", "phone"}
	// LawfulBases are the allowed values of campaigns.*.lawful_basis.
	LawfulBases = []string{LegitimateInterests, Consent}
	// Departments are the allowed values of targeting.roles[].department.
	Departments = []string{"executive", "finance", "sales", "marketing", "engineering", "it", "hr", "operations", "legal", "other"}
	// Seniorities are the allowed values of targeting.roles[].seniority, most senior first.
	Seniorities = []string{"c_level", "vp", "director", "head", "manager", "senior", "staff", "intern"}
	// Categories is the classification taxonomy (docs/design.md), the allowed
	// values of classification.pin.
	Categories = []string{
		"contact.email", "contact.phone", "identity.name", "online.profile_url",
		"online.identifier", "professional.job_title", "location.address",
		"identity.national_id", "identity.demographic", "financial.account",
		"special_category", "pseudonymous.subject_key",
		"company.name", "company.domain", "company.industry", "company.size",
		"company.country", "company.other", "operational", "unknown",
	}
)

// IsCategory reports whether s is one of Categories.
func IsCategory(s string) bool { return slices.Contains(Categories, s) }

// Channels are the outreach channels a campaign may declare.
var Channels = []string{"email", "phone", "linkedin"}
