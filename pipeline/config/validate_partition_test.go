package config

import (
	"strings"
	"testing"
)

func TestPartitionByPersonalColumnRefused(t *testing.T) {
	for _, tc := range []struct{ give, want string }{
		{"[country]", ""},
		{"[email]", `partition_by column "email" is personal data (contact.email)`},
		{"[subject_key]", `partition_by column "subject_key" is personal data (pseudonymous.subject_key)`},
		{"[country, last_name]", `partition_by column "last_name" is personal data (identity.name)`},
		{"[phone]", `"phone" is personal data`},
	} {
		d := &decoder{file: "p.yaml"}
		c := &Config{ExportOrder: []string{"x"}, Exports: map[string]*Export{"x": {PartitionBy: strings.Split(strings.Trim(tc.give, "[]"), ", ")}}}
		d.validatePartitions(c)
		got := ""
		for _, dg := range d.diags {
			got += dg.Msg
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("partition_by %s: %q, want %q", tc.give, got, tc.want)
		}
	}
}
