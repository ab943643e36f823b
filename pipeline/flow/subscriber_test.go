package flow

import (
	"context"
	"testing"
)

// TestCompanySubscriberTypes runs a company's type as a vendor writes it
// (and its name) through enrich_companies.sql and enrich_subscribers.sql
// with the rule table sql/company_type_rules.csv.
func TestCompanySubscriberTypes(t *testing.T) {
	cases := []struct {
		name, companyType string
		want, basis       string
	}{
		{"Northwind Payroll Ltd", "ltd", "corporate", "company_type:ltd"},
		{"X", "Limited", "corporate", "company_type:ltd"},
		{"X", "Private Limited Company", "corporate", "company_type:ltd"},
		{"X", "PLC", "corporate", "company_type:plc"},
		{"X", "LLP", "corporate", "company_type:llp"},
		{"X", "Limited Liability Partnership", "corporate", "company_type:llp"},
		{"X", "Scottish Partnership", "corporate", "company_type:scottish_partnership"},
		{"X", "Scottish Limited Partnership", "corporate", "company_type:scottish_partnership"},
		{"X", "CIC", "corporate", "company_type:cic_cio"},
		{"X", "DAC", "corporate", "company_type:ie_company"},
		{"X", "GmbH", "corporate", "company_type:foreign_company"},
		{"X", "B.V.", "corporate", "company_type:foreign_company"},
		{"X", "Ltd t/a Brightsparks", "corporate", "company_type:ltd"},
		{"X", "sole_trader", "individual", "company_type:sole_trader"},
		{"X", "Sole Trader", "individual", "company_type:sole_trader"},
		{"X", "Self-employed", "individual", "company_type:sole_trader"},
		{"X", "Sole Proprietor", "individual", "company_type:sole_trader"},
		{"X", "partnership", "individual", "company_type:partnership"},
		{"X", "General Partnership", "individual", "company_type:partnership"},
		{"X", "LP", "individual", "company_type:lp"},
		{"X", "Limited Partnership", "individual", "company_type:lp"},
		{"X", "t/a", "individual", "company_type:trading_as"},
		{"X", "Charity", "unknown", "company_type:unincorporated_or_charity"},
		{"X", "widget maker", "unknown", "company_type:unrecognised"},
		// company_type missing: the name's legal suffix decides
		{"Bia Glas Teoranta", "", "corporate", "name_suffix:ltd"},
		{"Quayside Media Ltd.", "", "corporate", "name_suffix:ltd"},
		{"Liffey Holdings DAC", "", "corporate", "name_suffix:ie_company"},
		{"Shannon Rowing CLG", "", "corporate", "name_suffix:ie_company"},
		{"Harbour PLC", "", "corporate", "name_suffix:plc"},
		{"Kestrel LLP", "", "corporate", "name_suffix:llp"},
		{"Jane Smith t/a Smith Plumbing", "", "individual", "name_suffix:trading_as"},
		{"Limited Edition Prints", "", "unknown", "no_company_type_or_legal_suffix"},
		{"Galway Bay Partners", "", "unknown", "no_company_type_or_legal_suffix"},
	}
	ctx := context.Background()
	c := memConn(t, 2)
	for _, q := range []string{
		"CREATE TEMP TABLE src (domain VARCHAR, name VARCHAR, industry VARCHAR, employees VARCHAR, country VARCHAR, email_pattern VARCHAR, company_type VARCHAR, _source VARCHAR)",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range cases {
		var typ any
		if tc.companyType != "" {
			typ = tc.companyType
		}
		if _, err := c.ExecContext(ctx, "INSERT INTO src VALUES ($1, $2, NULL, NULL, 'GB', NULL, $3, 's')", domainOf(i), tc.name, typ); err != nil {
			t.Fatal(err)
		}
	}
	if err := loadCompanyTypeRules(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := execScript(ctx, c, "enrich_companies", map[string]any{"Sources": []unionSource{{Table: "src"}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE target_companies AS SELECT * FROM companies_n"); err != nil {
		t.Fatal(err)
	}
	if err := execScript(ctx, c, "enrich_subscribers", nil, nil); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		var got, basis string
		if err := c.QueryRowContext(ctx, "SELECT company_subscriber, subscriber_basis FROM company_subscribers WHERE domain = $1", domainOf(i)).Scan(&got, &basis); err != nil {
			t.Fatalf("%q/%q: %v", tc.name, tc.companyType, err)
		}
		if got != tc.want || basis != tc.basis {
			t.Errorf("name %q, company_type %q: %s (%s), want %s (%s)", tc.name, tc.companyType, got, basis, tc.want, tc.basis)
		}
	}
}

func domainOf(i int) string { return "c" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + ".co.uk" }

// TestCompanyTypeRulesParse: the embedded table parses, and every rule's
// subscriber type is one of the three.
func TestCompanyTypeRulesParse(t *testing.T) {
	rules, err := CompanyTypeRules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 10 {
		t.Fatalf("%d rules", len(rules))
	}
}
