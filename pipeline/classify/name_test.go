package classify

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{"first_name", []string{"first", "name"}},
		{"FirstName", []string{"first", "name"}},
		{"DateOfBirth", []string{"date", "of", "birth"}},
		{"dob", []string{"birth"}},
		{"fname", []string{"first", "name"}},
		{"LNAME", []string{"last", "name"}},
		{"e_mail", []string{"email"}},
		{"E-Mail Address", []string{"email", "address"}},
		{"ni_number", []string{"ni", "number"}},
		{"nino", []string{"natid"}},
		{"tel", []string{"phone"}},
		{"mob_no", []string{"phone", "number"}},
		{"home_addr", []string{"home", "address"}},
		{"zip", []string{"postcode"}},
		{"post code", []string{"postcode"}},
		{"SSN", []string{"natid"}},
		{"passport_no", []string{"passport", "number"}},
		{"creditcardnumber", []string{"credit", "card", "number"}},
		{"IPv4", []string{"ip", "v", "4"}},
		{"SrcAddr", []string{"src", "address"}},
		{"HTTPServer", []string{"http", "server"}},
		{"ADD1", []string{"address", "1"}},
		{"sha256", []string{"sha", "256"}},
		{"_loaded_at", []string{"loaded", "at"}},
		{"Pclass", []string{"pclass"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Tokens(tt.give); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestByName(t *testing.T) {
	tests := []struct {
		give    string // column
		dataset string
		want    string
	}{
		// people
		{give: "first_name", want: IdentityName},
		{give: "lname", want: IdentityName},
		{give: "email", want: ContactEmail},
		{give: "e_mail", want: ContactEmail},
		{give: "work_email", want: ContactEmail},
		{give: "tel", want: ContactPhone},
		{give: "mob", want: ContactPhone},
		{give: "dob", want: IdentityDemographic},
		{give: "ni_number", want: IdentityNationalID},
		{give: "nino", want: IdentityNationalID},
		{give: "ssn", want: IdentityNationalID},
		{give: "passport", want: IdentityNationalID}, // not a password
		{give: "password", want: OnlineIdentifier},
		{give: "addr", want: LocationAddress},
		{give: "zip", want: LocationAddress},
		{give: "linkedin_url", want: OnlineProfileURL},
		{give: "job_title", want: ProfessionalJobTitle},
		{give: "ip_address", want: OnlineIdentifier},
		{give: "account_manager", want: IdentityName},
		// B2B: company data is not personal
		{give: "company_name", want: CompanyName},
		{give: "name", dataset: "companies", want: CompanyName},
		{give: "name", dataset: "vendor_people", want: IdentityName},
		{give: "company_email", want: CompanyOther},
		{give: "registered_number", want: CompanyOther},
		{give: "vat_number", want: CompanyOther},
		{give: "sic_code", want: CompanyIndustry},
		{give: "website", want: CompanyDomain},
		{give: "domain", want: CompanyDomain},
		{give: "company_domain", want: CompanyDomain},
		{give: "industry", want: CompanyIndustry},
		{give: "employees", want: CompanySize},
		{give: "country", want: CompanyCountry},
		{give: "email_pattern", want: CompanyOther},
		{give: "company_linkedin_url", want: CompanyOther},
		{give: "postcode", dataset: "companies", want: CompanyOther},
		// derived and operational
		{give: "email_verified", want: Operational},
		{give: "email_type", want: Operational},
		{give: "subscriber_type", want: Operational},
		{give: "gdpr_region", want: Operational},
		{give: "department", want: Operational},
		{give: "seniority", want: Operational},
		{give: "_source", want: Operational},
		{give: "_run_id", want: Operational},
		{give: "_loaded_at", want: Operational},
		{give: "created_at", want: Operational},
		{give: "campaign_name", want: Operational},
		{give: "subject_key", want: PseudonymousSubjectKey},
		{give: "email_sha256", want: PseudonymousSubjectKey},
		// special categories
		{give: "religion", want: SpecialCategory},
		{give: "ethnicity", want: SpecialCategory},
		{give: "health_notes", want: SpecialCategory},
		{give: "trade_union_member", want: SpecialCategory},
		{give: "Sexual Preference", want: SpecialCategory},
		{give: "disability", want: SpecialCategory},
		{give: "customer_health_score", want: Operational},
		{give: "favorite_color", want: Unknown},
	}
	for _, tt := range tests {
		got := ByName(tt.dataset, tt.give, nil)
		if got.Category != tt.want {
			t.Errorf("ByName(%q, %q) = %s, want %s (%s)", tt.dataset, tt.give, got.Category, tt.want, got.Evidence)
		}
		if got.Method != MethodName || got.Personal != IsPersonal(got.Category) || got.Column != tt.give || got.Dataset != tt.dataset {
			t.Errorf("ByName(%q, %q): inconsistent %+v", tt.dataset, tt.give, got)
		}
	}
}

func TestByNamePins(t *testing.T) {
	pins := map[string]string{"vendor_people.notes": SpecialCategory, "d.x": "no.such"}
	got := ByName("vendor_people", "notes", pins)
	if got.Category != SpecialCategory || got.Method != MethodPinned || !got.Personal || got.Confidence != 1 {
		t.Errorf("pinned: got %+v", got)
	}
	if got := ByName("other", "notes", pins); got.Method == MethodPinned {
		t.Errorf("pin leaked to another dataset: %+v", got)
	}
	if got := ByName("d", "x", pins); got.Category != Unknown || got.Method != MethodPinned {
		t.Errorf("pin to an unknown category: got %+v", got)
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		give         string
		personal     bool
		special      bool
		wantInCatalg bool
	}{
		{ContactEmail, true, false, true},
		{SpecialCategory, true, true, true},
		{PseudonymousSubjectKey, true, false, true},
		{CompanyName, false, false, true},
		{Operational, false, false, true},
		{Unknown, false, false, true},
		{"company.revenue", false, false, false},
	}
	for _, tt := range tests {
		if IsPersonal(tt.give) != tt.personal || IsSpecial(tt.give) != tt.special || IsKnown(tt.give) != tt.wantInCatalg {
			t.Errorf("%s: personal=%v special=%v known=%v", tt.give, IsPersonal(tt.give), IsSpecial(tt.give), IsKnown(tt.give))
		}
	}
	if len(Categories()) != len(personal) {
		t.Errorf("Categories() lists %d, taxonomy has %d", len(Categories()), len(personal))
	}
}
