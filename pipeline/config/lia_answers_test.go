package config

import (
	"strings"
	"testing"
)

// TestLIAAnswers: the optional text answers are decoded and trimmed; a
// non-text answer is an error at its value.
func TestLIAAnswers(t *testing.T) {
	c, err := Parse("f.yaml", []byte(edit(t, "b2b: true}", "b2b: true,\n      purpose_answer: ' B2B sales of payroll software ', balancing_answer: work contact only}")), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Campaigns["c1"].LIA.Answers
	if want := (LIAAnswers{Purpose: "B2B sales of payroll software", Balancing: "work contact only"}); got != want {
		t.Errorf("answers %+v, want %+v", got, want)
	}
	_, err = Parse("f.yaml", []byte(edit(t, "b2b: true}", "b2b: true, necessity_answer: [a, b]}")), noEnv)
	if err == nil || !strings.Contains(err.Error(), "necessity_answer") {
		t.Errorf("a list as an answer: %v", err)
	}
}

// TestKeepPartitionColumns: exports.<name>.keep_partition_columns is a
// boolean, false when absent.
func TestKeepPartitionColumns(t *testing.T) {
	c, err := Parse("f.yaml", []byte(base), noEnv)
	if err != nil || c.Exports["e1"].KeepPartitionColumns {
		t.Fatalf("default: %v %v", err, c)
	}
	c, err = Parse("f.yaml", []byte(edit(t, "partition_by: [country]", "partition_by: [country]\n    keep_partition_columns: true")), noEnv)
	if err != nil || !c.Exports["e1"].KeepPartitionColumns {
		t.Errorf("true: %v", err)
	}
	_, err = Parse("f.yaml", []byte(edit(t, "partition_by: [country]", "partition_by: [country]\n    keep_partition_columns: sometimes")), noEnv)
	if err == nil || !strings.Contains(err.Error(), "keep_partition_columns") {
		t.Errorf("not a boolean: %v", err)
	}
}
