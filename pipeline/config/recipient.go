package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// recipientKeys are the keys of campaigns.*.recipient in its mapping form.
var recipientKeys = []string{"name", "contact"}

// recipient decodes campaigns.*.recipient: a name ("Acme Payroll Ltd") or
// {name, contact}. A recipient without a contact is a warning: Art. 19
// notices (erasure, restriction, rectification) need a way to reach it.
func (d *decoder) recipient(campaign, where string, f map[string]pair, parent *yaml.Node) (name, contact string) {
	p, ok := f["recipient"]
	if !ok || resolve(p.val).Kind != yaml.MappingNode {
		name = d.required(f, where, "recipient", parent)
		if name != "" {
			d.warnf(p.val, "campaign %q: recipient %q has no contact; write recipient: {name: ..., contact: ...} so that the DPO can notify it (GDPR Art. 19)", campaign, name)
		}
		return name, ""
	}
	rw := where + ".recipient"
	rf := d.fields(p.val, rw, recipientKeys...)
	name = d.required(rf, rw, "name", p.key)
	contact = strings.TrimSpace(d.str(rf["contact"], rw+".contact"))
	if contact == "" && name != "" {
		at := p.key
		if cp, ok := rf["contact"]; ok {
			at = cp.key
		}
		d.warnf(at, "campaign %q: recipient %q has no contact; add recipient.contact so that the DPO can notify it (GDPR Art. 19)", campaign, name)
	}
	return name, contact
}

// warnf records a warning at n.
func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	p := nodePos(n)
	d.warns = append(d.warns, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Msg: "warning: " + fmt.Sprintf(format, args...)})
}
