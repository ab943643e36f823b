// Package normalizetest holds the awkward-inputs corpus (testdata/
// awkward.txt): written forms of the same few people as sources deliver
// them. It seeds the normalisers' fuzz targets and drives the test that
// the run's SQL and the rights code's Go agree on every identifier.
package normalizetest

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed testdata/awkward.txt
var awkward string

// Form is one written form of a person's identifiers.
type Form struct {
	Line                                   int // in testdata/awkward.txt
	Person, Email, Website, Phone, Country string
}

// Corpus parses the corpus; an error names the line.
func Corpus() ([]Form, error) {
	var out []Form
	for i, line := range strings.Split(awkward, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 5 {
			return nil, fmt.Errorf("testdata/awkward.txt:%d: %d fields, want 5 (person, email, website, phone, country)", i+1, len(fields))
		}
		for k, f := range fields {
			s, err := strconv.Unquote(f)
			if err != nil {
				return nil, fmt.Errorf("testdata/awkward.txt:%d: field %d is not a Go quoted string: %w", i+1, k+1, err)
			}
			fields[k] = s
		}
		out = append(out, Form{Line: i + 1, Person: fields[0], Email: fields[1], Website: fields[2], Phone: fields[3], Country: fields[4]})
	}
	return out, nil
}
