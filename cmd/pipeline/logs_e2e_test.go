package main

import (
	"strings"
	"testing"
)

// TestNoPersonalDataInLogs: at debug level, in JSON and console format,
// nothing a run or a privacy command writes to stderr carries a raw email,
// name or phone of the fixtures (logs carry subject_keys).
func TestNoPersonalDataInLogs(t *testing.T) {
	dir := workspace(t)
	// values of people who go through every path: exported (A01), derived
	// email (A03), CTPS-listed phone (A21), the unsubscribed (A23)
	secrets := []string{
		"sarah.okafor@northwind-payroll.co.uk", "Okafor",
		"tom.hughes@northwind-payroll.co.uk", "Hughes",
		"7946 0311", "+442079460311",
		"r.fairclough@solent-marine.co.uk", "Fairclough",
	}
	var stderr strings.Builder
	for _, format := range []string{"json", "console"} {
		for _, args := range [][]string{
			{"run"},
			{"sar", "--email", "Sarah.Okafor@Northwind-Payroll.co.uk", "--format", "json"},
			{"suppress", "add", "--email", "tom.hughes@northwind-payroll.co.uk", "--reason", "complaint"},
			{"suppress", "check", "--email", "tom.hughes@northwind-payroll.co.uk"},
			{"restrict", "--email", "r.fairclough@solent-marine.co.uk"},
			{"unrestrict", "--email", "r.fairclough@solent-marine.co.uk"},
			{"run"},
			{"erase", "--email", "sarah.okafor@northwind-payroll.co.uk", "--yes"},
			{"audit", "verify"},
		} {
			r := mustPipeline(t, dir, append(args, "--log-level", "debug", "--log-format", format)...)
			stderr.WriteString(r.stderr)
		}
	}
	if stderr.Len() == 0 {
		t.Fatal("no log output at all: the test would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(strings.ToLower(stderr.String()), strings.ToLower(s)) {
			t.Errorf("stderr contains %q", s)
		}
	}
}
