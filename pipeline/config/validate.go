package config

import (
	"fmt"
	"slices"
	"strings"
)

// validate checks the rules that span sections, after decoding.
func (d *decoder) validate(c *Config) {
	d.validatePartitions(c)
	d.validateLIA(c)
	d.validateConsent(c)
	for _, name := range c.ExportOrder {
		x := c.Exports[name]
		if x.Campaign == "" {
			continue
		}
		if _, ok := c.Campaigns[x.Campaign]; !ok {
			defined := "none"
			if len(c.CampaignOrder) > 0 {
				defined = strings.Join(c.CampaignOrder, ", ")
			}
			d.at(c.Pos("exports", name, "campaign"), "export %q: campaign %q is not defined (defined: %s)", name, x.Campaign, defined)
		}
	}
	d.validatePaths(c)
	if len(c.Exports) > 0 {
		for _, role := range []string{RoleCompanies, RolePeople} {
			if !slices.ContainsFunc(c.SourceOrder, func(n string) bool { return c.Sources[n].Role == role }) {
				d.at(c.KeyPos("sources"), "exports need at least one source with role %q", role)
			}
		}
	}
}

// at reports a problem at a position found through Config.Pos.
func (d *decoder) at(p Position, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
}
