package config

import "strings"

// LIAAnswers are an assessment's answers as text (optional): what each of
// the three tests found, in the assessor's words. Each is "" when not given.
// They are recorded, never interpreted: the tests' "passed" decide.
type LIAAnswers struct {
	Purpose, Necessity, Balancing string
}

// Empty reports whether no answer was given.
func (a LIAAnswers) Empty() bool { return a.Purpose == "" && a.Necessity == "" && a.Balancing == "" }

// liaAnswers decodes lia.purpose_answer, necessity_answer and balancing_answer.
func (d *decoder) liaAnswers(where string, f map[string]pair) LIAAnswers {
	get := func(k string) string {
		p, ok := f[k]
		if !ok || isNull(p.val) {
			return ""
		}
		return strings.TrimSpace(d.str(p, where+"."+k))
	}
	return LIAAnswers{Purpose: get("purpose_answer"), Necessity: get("necessity_answer"), Balancing: get("balancing_answer")}
}
