package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// base is a small valid config; error cases edit single lines of it, so
// line numbers below refer to it.
const base = `version: 1
name: t
controller: {name: C, contact: dpo@example.com}
warehouse: w.duckdb
sources:
  companies: {role: companies, connector: csv, options: {path: c.csv}}
  people: {role: people, connector: csv, retention: 12 months}
campaigns:
  c1:
    recipient: R
    purpose: P
    lawful_basis: legitimate_interests
    regions: [GB]
    lia: {assessed_on: 2026-01-02, assessed_by: d, purpose_test: passed, necessity_test: passed, balancing_test: passed, b2b: true}
exports:
  e1:
    campaign: c1
    columns: [email, country]
    partition_by: [country]
    sink: {connector: parquet}
`

func noEnv(string) (string, bool) { return "", false }

// edit replaces old (which must occur in base) with new.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("base has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestLoadDesignExample(t *testing.T) {
	c, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	dir, _ := filepath.Abs("testdata")
	if c.Dir != dir || c.File != filepath.Join(dir, "valid.yaml") {
		t.Errorf("File, Dir = %q, %q", c.File, c.Dir)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"version", c.Version, 1},
		{"name", c.Name, "nightly-prospects"},
		{"controller", c.Controller, Controller{Name: "Example Prospecting Ltd", Contact: "dpo@example.com"}},
		{"warehouse", c.Warehouse, filepath.Join(dir, "state/warehouse.duckdb")},
		{"exports_dir", c.ExportsDir, filepath.Join(dir, "exports")},
		{"engine", c.Engine, Engine{Threads: 2, MemoryLimit: "4GB", TempDirectory: filepath.Join(dir, "state/tmp"), RawCompression: RawCompressionFast, RawBuckets: DefaultRawBuckets}},
		{"limits", c.Limits.MaxRejectRate, 0.05},
		{"source order", c.SourceOrder, []string{"companies", "vendor_people", "unsubscribes"}},
		{"companies options", c.Sources["companies"].Options, map[string]any{"path": filepath.Join(dir, "fixtures/companies.csv")}},
		{"companies raw options", c.Sources["companies"].RawOptions, map[string]any{"path": "fixtures/companies.csv"}},
		{"companies map", c.Sources["companies"].Map, map[string]string{"domain": "website"}},
		{"companies retention", c.Sources["companies"].Retention, Retention{N: 24, Unit: "month"}},
		{"unsubscribes", [3]string{c.Sources["unsubscribes"].Role, c.Sources["unsubscribes"].Kind, c.Sources["unsubscribes"].Reason}, [3]string{"suppression", "email", "unsubscribe"}},
		{"unsubscribes retention", c.Sources["unsubscribes"].Retention.IsZero(), true},
		{"targeting", c.Targeting, Targeting{Companies: "country IN ('GB','IE') AND employees >= 50", Roles: []Role{{Department: "finance", Seniority: []string{"director", "c_level"}}}}},
		{"campaign order", c.CampaignOrder, []string{"acme-q1"}},
		{"campaign", *c.Campaigns["acme-q1"], Campaign{
			Name: "acme-q1", Recipient: "Acme Payroll Ltd", Purpose: "B2B outreach about payroll software to finance leaders",
			LawfulBasis: "legitimate_interests", Regions: []string{"GB", "IE"},
			LIA: LIA{AssessedOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), AssessedBy: "dpo@example.com",
				PurposeTest: "passed", NecessityTest: "passed", BalancingTest: "passed", B2B: true},
		}},
		{"export", *c.Exports["acme_q1"], Export{
			Name: "acme_q1", Campaign: "acme-q1",
			Columns:     []string{"subject_key", "first_name", "last_name", "job_title", "email", "company_name", "company_domain", "country"},
			PartitionBy: []string{"country"},
			Sink: Sink{Connector: "parquet",
				Options:    map[string]any{"dir": filepath.Join(dir, "exports/acme_q1")},
				RawOptions: map[string]any{"dir": "exports/acme_q1"}},
		}},
		{"classification", c.Classification, Classification{Pin: map[string]string{"vendor_people.notes": "special_category"}, SampleSize: 1000, Threshold: 0.8}},
		{"pos of column 3", c.Pos("exports", "acme_q1", "columns", "3"), Position{41, 51}},
		{"pos of companies predicate", c.Pos("targeting", "companies"), Position{26, 14}},
		{"pos falls back to parent", c.Pos("exports", "acme_q1", "nope"), Position{40, 5}},
		{"pos of nothing", c.Pos("nope"), Position{1, 1}},
		{"key pos", c.KeyPos("sources", "vendor_people"), Position{14, 3}},
	}
	for _, tt := range checks {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, tt.got, tt.want)
		}
	}
	d := c.Diag(c.Pos("exports", "acme_q1", "columns", "3"), "column %q is not in prospects", "job_title")
	if got, want := d.Error(), `testdata/valid.yaml:41:51: column "job_title" is not in prospects`; got != want {
		t.Errorf("Diag = %q, want %q", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/nope.yaml")
	var ds Diagnostics
	if err == nil || errors.As(err, &ds) {
		t.Fatalf("err = %v, want an I/O error", err)
	}
}

func TestParseErrors(t *testing.T) {
	const allowedTop = "version, name, controller, warehouse, exports_dir, engine, limits, sources, targeting, campaigns, exports, classification"
	const pure = pureExprMsg
	tests := []struct {
		name string
		give func(t *testing.T) string
		want []string
	}{
		{"unknown top-level key", func(t *testing.T) string { return base + "foo: 1\n" },
			[]string{`f.yaml:21:1: unknown key "foo" at the top level (allowed: ` + allowedTop + `)`}},
		{"unknown source key", func(t *testing.T) string { return edit(t, "{role: people,", "{role: people, colour: red,") },
			[]string{`f.yaml:7:26: unknown key "colour" in sources.people (allowed: role, description, connector, kind, reason, options, map, retention, retention_from, max_reject_rate)`}},
		{"unknown lia key", func(t *testing.T) string { return edit(t, "lia: {", "lia: {score: 3, ") },
			[]string{`f.yaml:14:11: unknown key "score" in campaigns.c1.lia (allowed: assessed_on, assessed_by, purpose_test, necessity_test, balancing_test, b2b, review_by, purpose_answer, necessity_answer, balancing_answer)`}},
		{"options are free", func(t *testing.T) string {
			return edit(t, "{path: c.csv}", "{path: c.csv, anything: {nested: [1, 2]}}")
		},
			nil},
		{"list where a string is expected", func(t *testing.T) string { return edit(t, "name: t", "name: [t]") },
			[]string{`f.yaml:2:7: name must be a string, not a list`}},
		{"string where a list is expected", func(t *testing.T) string { return edit(t, "regions: [GB]", "regions: GB") },
			[]string{`f.yaml:13:14: campaigns.c1.regions must be a list, not a string`}},
		{"string where an integer is expected", func(t *testing.T) string { return base + "engine: {threads: two}\n" },
			[]string{`f.yaml:21:19: engine.threads must be an integer, not a string`}},
		{"raw_compression value", func(t *testing.T) string { return base + "engine: {raw_compression: zstd}\n" },
			[]string{`f.yaml:21:27: engine.raw_compression "zstd" is not "fast" (quicker runs, larger raw files; the default) or "small" (zstd)`}},
		{"raw_buckets out of range", func(t *testing.T) string { return base + "engine: {raw_buckets: 0}\n" },
			[]string{`f.yaml:21:23: engine.raw_buckets must be between 1 and 1024, not 0`}},
		{"raw_buckets", func(t *testing.T) string { return base + "engine: {raw_buckets: 64}\n" }, nil},
		{"raw_compression small", func(t *testing.T) string { return base + "engine: {raw_compression: small}\n" }, nil},
		{"scalar where a mapping is expected", func(t *testing.T) string { return edit(t, "sink: {connector: parquet}", "sink: parquet") },
			[]string{`f.yaml:20:5: missing required key "connector" in exports.e1.sink`, `f.yaml:20:11: exports.e1.sink must be a mapping, not a string`}},
		{"boolean expected", func(t *testing.T) string {
			return edit(t, "b2b: true}", "b2b: yes}")
		},
			[]string{`f.yaml:14:127: campaigns.c1.lia.b2b must be true or false, not a string`}},
		{"duplicate key", func(t *testing.T) string {
			return edit(t, "  people: {role: people, connector: csv, retention: 12 months}\n", "  people: {role: people, connector: csv, retention: 12 months}\n  companies: {role: companies, connector: csv}\n")
		},
			[]string{`f.yaml:8:3: duplicate key "companies" in sources (first at line 6)`}},
		{"version", func(t *testing.T) string { return edit(t, "version: 1", "version: 2") },
			[]string{`f.yaml:1:10: version 2 is not supported (want 1)`}},
		{"missing required top-level keys", func(t *testing.T) string { return edit(t, "version: 1\nname: t\n", "", "warehouse: w.duckdb\n", "") },
			[]string{
				`f.yaml:1:1: missing required key "version" at the top level`,
				`f.yaml:1:1: missing required key "name" at the top level`,
				`f.yaml:1:1: missing required key "warehouse" at the top level`,
			}},
		{"controller contact", func(t *testing.T) string { return edit(t, ", contact: dpo@example.com}", `, contact: ""}`) },
			[]string{`f.yaml:3:32: controller.contact must not be empty`}},
		{"no sources", func(t *testing.T) string {
			return edit(t, "  companies: {role: companies, connector: csv, options: {path: c.csv}}\n  people: {role: people, connector: csv, retention: 12 months}\n", "")
		}, []string{
			`f.yaml:5:1: sources must list at least one source`,
			`f.yaml:5:1: exports need at least one source with role "companies"`,
			`f.yaml:5:1: exports need at least one source with role "people"`,
		}},
		{"no people source with exports", func(t *testing.T) string { return edit(t, "{role: people,", "{role: reference,") },
			[]string{`f.yaml:5:1: exports need at least one source with role "people"`}},
		{"bad role and missing connector", func(t *testing.T) string {
			return edit(t, "{role: people, connector: csv, retention: 12 months}", "{role: persons}")
		},
			[]string{
				`f.yaml:5:1: exports need at least one source with role "people"`,
				`f.yaml:7:3: missing required key "connector" in sources.people`,
				`f.yaml:7:18: source "people": role "persons" is not allowed (allowed: companies, people, suppression, reference, consent)`,
			}},
		{"suppression needs kind and reason", func(t *testing.T) string {
			return edit(t, "{role: people, connector: csv, retention: 12 months}", "{role: suppression, connector: csv}")
		},
			[]string{
				`f.yaml:5:1: exports need at least one source with role "people"`,
				`f.yaml:7:3: missing required key "kind" in sources.people`,
				`f.yaml:7:3: missing required key "reason" in sources.people`,
			}},
		{"suppression kind and reason values", func(t *testing.T) string {
			return edit(t, "  people: {role: people, connector: csv, retention: 12 months}\n", "  people: {role: people, connector: csv, retention: 12 months}\n  dnc: {role: suppression, kind: fax, reason: Client DNC, connector: csv}\n")
		}, []string{
			`f.yaml:8:34: source "dnc": kind "fax" is not allowed (allowed: email, domain, phone)`,
			`f.yaml:8:47: source "dnc": reason "Client DNC" must be lower_snake_case (e.g. unsubscribe, objection, complaint, tps, ctps, client_dnc)`,
		}},
		{"kind on a non-suppression source", func(t *testing.T) string {
			return edit(t, "{role: people,", "{role: people, kind: email, reason: tps,")
		},
			[]string{
				`f.yaml:7:26: source "people": kind is only allowed on suppression sources (role is "people")`,
				`f.yaml:7:39: source "people": reason is only allowed on suppression sources (role is "people")`,
			}},
		{"retention", func(t *testing.T) string {
			return edit(t, "{role: people, connector: csv, retention: 12 months}", "{role: people, connector: csv, retention: 2 fortnights}")
		},
			[]string{`f.yaml:7:53: source "people": retention "2 fortnights" is not valid (want N days, weeks, months or years, e.g. "24 months", or "forever")`}},
		{"campaign recipient and purpose", func(t *testing.T) string { return edit(t, "    recipient: R\n    purpose: P\n", "    purpose: \"\"\n") },
			[]string{
				`f.yaml:9:3: missing required key "recipient" in campaigns.c1`,
				`f.yaml:10:14: campaigns.c1.purpose must not be empty`,
			}},
		{"lawful basis", func(t *testing.T) string {
			return edit(t, "lawful_basis: legitimate_interests", "lawful_basis: contract")
		},
			[]string{`f.yaml:12:19: campaign "c1": lawful_basis "contract" is not allowed (allowed: legitimate_interests, consent)`}},
		{"consent needs no lia", func(t *testing.T) string {
			return edit(t, "lawful_basis: legitimate_interests", "lawful_basis: consent", "  people: {role: people, connector: csv, retention: 12 months}\n", "  people: {role: people, connector: csv, retention: 12 months}\n  consents: {role: consent, connector: csv}\n", "    lia: {assessed_on: 2026-01-02, assessed_by: d, purpose_test: passed, necessity_test: passed, balancing_test: passed, b2b: true}\n", "")
		}, nil},
		{"LIA test pending", func(t *testing.T) string { return edit(t, "balancing_test: passed", "balancing_test: pending") },
			[]string{`f.yaml:14:114: campaign "c1": LIA balancing_test is "pending", must be "passed" before personal data can be exported`}},
		{"LIA test missing and date invalid", func(t *testing.T) string { return edit(t, "2026-01-02", "01/02/2026", "purpose_test: passed, ", "") },
			[]string{
				`f.yaml:14:5: campaign "c1": LIA purpose_test is missing, must be "passed" before personal data can be exported`,
				`f.yaml:14:24: campaign "c1": LIA assessed_on "01/02/2026" is not a date (want YYYY-MM-DD)`,
			}},
		{"LIA missing", func(t *testing.T) string {
			return edit(t, "    lia: {assessed_on: 2026-01-02, assessed_by: d, purpose_test: passed, necessity_test: passed, balancing_test: passed, b2b: true}\n", "")
		}, []string{`f.yaml:9:3: campaign "c1": lawful_basis legitimate_interests needs an lia with purpose_test, necessity_test and balancing_test "passed" before personal data can be exported`}},
		{"regions", func(t *testing.T) string { return edit(t, "regions: [GB]", "regions: [GBR, ie]") },
			[]string{`f.yaml:13:15: campaign "c1": region "GBR" is not an ISO 3166-1 alpha-2 country code (e.g. GB, IE)`}},
		{"regions empty", func(t *testing.T) string { return edit(t, "regions: [GB]", "regions: []") },
			[]string{`f.yaml:13:14: campaign "c1": regions must list at least one ISO 3166-1 alpha-2 country code`}},
		{"export campaign undefined", func(t *testing.T) string { return edit(t, "campaign: c1", "campaign: c2") },
			[]string{`f.yaml:17:15: export "e1": campaign "c2" is not defined (defined: c1)`}},
		{"export columns", func(t *testing.T) string {
			return edit(t, "[email, country]", "[email, country, email]", "partition_by: [country]", "partition_by: [country, region]")
		},
			[]string{
				`f.yaml:18:31: export "e1": column "email" is listed twice`,
				`f.yaml:19:29: export "e1": partition_by column "region" is not in columns`,
			}},
		{"rows_per_file zero", func(t *testing.T) string {
			return edit(t, "partition_by: [country]", "partition_by: [country]\n    rows_per_file: 0")
		},
			[]string{`f.yaml:20:20: export "e1": rows_per_file must be at least 1, not 0`}},
		{"rows_per_file not a number", func(t *testing.T) string {
			return edit(t, "partition_by: [country]", "partition_by: [country]\n    rows_per_file: many")
		},
			[]string{`f.yaml:20:20: exports.e1.rows_per_file must be an integer, not a string`}},
		{"export columns empty", func(t *testing.T) string {
			return edit(t, "[email, country]", "[]", "partition_by: [country]", "partition_by: []")
		},
			[]string{`f.yaml:18:14: export "e1": columns must list at least one column`}},
		{"sink connector", func(t *testing.T) string {
			return edit(t, "{connector: parquet}", "{connector: \"\", options: {dir: out}}")
		},
			[]string{`f.yaml:20:23: exports.e1.sink.connector must not be empty`}},
		{"targeting subquery", func(t *testing.T) string {
			return base + "targeting:\n  companies: \"domain IN (SELECT domain FROM read_csv('x.csv'))\"\n"
		}, []string{
			`f.yaml:22:22: targeting.companies: a subquery (SELECT, FROM, TABLE, VALUES, PIVOT, UNPIVOT, DESCRIBE, SUMMARIZE, EXISTS) is not allowed; ` + pure,
		}},
		{"targeting statement", func(t *testing.T) string {
			return base + "targeting:\n  companies: \"country = 'GB'; drop table x --\"\n"
		}, []string{
			`f.yaml:22:29: targeting.companies: does not parse: syntax error at or near ";"; ` + pure,
		}},
		{"targeting roles", func(t *testing.T) string {
			return base + "targeting:\n  roles:\n    - {department: finance, seniority: [director, boss]}\n    - {department: accounts}\n"
		}, []string{
			`f.yaml:23:51: targeting.roles[0]: seniority "boss" is not known (allowed: c_level, vp, director, head, manager, senior, staff, intern)`,
			`f.yaml:24:20: targeting.roles[1]: department "accounts" is not known (allowed: executive, finance, sales, marketing, engineering, it, hr, operations, legal, other)`,
		}},
		{"unset env var", func(t *testing.T) string {
			return edit(t, "{role: people, connector: csv, retention: 12 months}", "{role: people, connector: postgres, retention: 12 months, options: {dsn: \"${PG_DSN}\", password: \"${PG_PASS}x\"}}")
		}, []string{
			`f.yaml:7:84: sources.people.options.dsn: environment variable "PG_DSN" is not set`,
			`f.yaml:7:107: sources.people.options.password: environment variable "PG_PASS" is not set`,
		}},
		{"bad env reference", func(t *testing.T) string { return edit(t, "warehouse: w.duckdb", "warehouse: ${1X}/w.duckdb") },
			[]string{`f.yaml:4:12: warehouse: invalid ${...} reference (a variable name is letters, digits and _; write $$ for a literal $)`}},
		{"classification pin", func(t *testing.T) string {
			return base + "classification:\n  pin: {people.notes: health, notes: unknown}\n  threshold: 2\n"
		}, []string{
			`f.yaml:22:23: classification.pin: "health" is not a category (allowed: ` + strings.Join(Categories, ", ") + `)`,
			`f.yaml:22:31: classification.pin: "notes" must be dataset.column`,
			`f.yaml:23:14: classification.threshold must be between 0 and 1, not 2`,
		}},
		{"limits", func(t *testing.T) string { return base + "limits: {max_reject_rate: 1.5}\n" },
			[]string{`f.yaml:21:27: limits.max_reject_rate must be between 0 and 1, not 1.5`}},
		{"yaml syntax", func(t *testing.T) string { return edit(t, "name: t", "name: [t") },
			[]string{`f.yaml:2:1: invalid YAML: did not find expected ',' or ']'`}},
		{"empty", func(t *testing.T) string { return "" },
			[]string{`f.yaml:1:1: config is empty`}},
		{"many problems at once", func(t *testing.T) string {
			return edit(t, "version: 1", "version: 3", "{role: people,", "{role: people, colour: red,", "balancing_test: passed", "balancing_test: failed", "campaign: c1", "campaign: nope")
		}, []string{
			`f.yaml:1:10: version 3 is not supported (want 1)`,
			`f.yaml:7:26: unknown key "colour" in sources.people (allowed: role, description, connector, kind, reason, options, map, retention, retention_from, max_reject_rate)`,
			`f.yaml:14:114: campaign "c1": LIA balancing_test is "failed", must be "passed" before personal data can be exported`,
			`f.yaml:17:15: export "e1": campaign "nope" is not defined (defined: c1)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			give := tt.give(t)
			_, err := Parse("f.yaml", []byte(give), noEnv)
			var got []string
			if err != nil {
				var ds Diagnostics
				if !errors.As(err, &ds) {
					t.Fatalf("err is %T, want Diagnostics: %v", err, err)
				}
				got = strings.Split(ds.Error(), "\n")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config:\n%s\n got:\n  %s\nwant:\n  %s\ngot points at:\n  %s", give, strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "), strings.Join(pointAt(give, got), "\n  "))
			}
		})
	}
}

// pointAt shows the text at each diagnostic's position, to debug failures.
func pointAt(src string, diags []string) []string {
	lines := strings.Split(src, "\n")
	var out []string
	for _, d := range diags {
		var line, col int
		if _, err := fmt.Sscanf(strings.TrimPrefix(d, "f.yaml:"), "%d:%d:", &line, &col); err != nil || line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
			out = append(out, "?")
			continue
		}
		out = append(out, fmt.Sprintf("%d:%d %q", line, col, lines[line-1][col-1:min(len(lines[line-1]), col+15)]))
	}
	return out
}

// The sources the fixtures README assumes load as written.
func TestFixtureSources(t *testing.T) {
	give := edit(t, "  companies: {role: companies, connector: csv, options: {path: c.csv}}\n  people: {role: people, connector: csv, retention: 12 months}\n", `  companies:        {role: companies, connector: csv, options: {path: fixtures/companies.csv},
                     map: {name: company_name, domain: website}}
  vendor_people:    {role: people, connector: csv, options: {path: fixtures/people.csv}, retention: 12 months}
  crm_people:       {role: people, connector: csv, options: {path: fixtures/people_crm.csv},
                     map: {first_name: "First Name", last_name: "Last Name", email: "Work Email",
                           job_title: Title, company_domain: "Company Website", phone: Phone}, retention: 12 months}
  unsubscribes:     {role: suppression, kind: email,  reason: unsubscribe, connector: csv, options: {path: fixtures/unsubscribes.csv}}
  suppressed_hashed: {role: suppression, kind: email, reason: objection,  connector: csv, options: {path: fixtures/suppressed_hashed.csv}}   # only a sha256 column
  blocked_domains:  {role: suppression, kind: domain, reason: client_dnc,  connector: csv, options: {path: fixtures/blocked_domains.csv}}
  ctps:             {role: suppression, kind: phone,  reason: ctps,        connector: csv, options: {path: fixtures/ctps.csv}}
`) + `targeting:
  companies: "country IN ('GB','IE') AND employees >= 50"
  roles:
    - {department: finance,   seniority: [director, c_level]}
    - {department: marketing, seniority: [head, director, vp]}
`
	c, err := Parse("pipeline.yaml", []byte(give), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.SourceOrder); got != 7 {
		t.Errorf("%d sources, want 7", got)
	}
	if got := c.Sources["crm_people"].Map["email"]; got != "Work Email" {
		t.Errorf("crm_people map email = %q", got)
	}
}
