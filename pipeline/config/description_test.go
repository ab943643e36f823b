package config

import (
	"strings"
	"testing"
)

// TestSourceDescription: a source's optional description (told to data
// subjects in SAR reports) is read trimmed; left out it is empty; a list
// is refused naming the key.
func TestSourceDescription(t *testing.T) {
	c, err := Parse("f.yaml", []byte(edit(t, "people: {role: people,", "people: {role: people, description: ' Example Data Ltd (vendor) ',")), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Sources["people"].Description; got != "Example Data Ltd (vendor)" {
		t.Errorf("description %q", got)
	}
	if got := c.Sources["companies"].Description; got != "" {
		t.Errorf("companies description %q, want none", got)
	}
	_, err = Parse("f.yaml", []byte(edit(t, "people: {role: people,", "people: {role: people, description: [a],")), noEnv)
	if err == nil || !strings.Contains(err.Error(), "sources.people.description must be a string") {
		t.Errorf("a list as description: %v", err)
	}
}
