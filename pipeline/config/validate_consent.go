package config

import "slices"

// validateConsent: a consent campaign exports only subjects with a
// recorded, unwithdrawn consent, so it needs at least one source with
// role consent to read them from.
func (d *decoder) validateConsent(c *Config) {
	has := slices.ContainsFunc(c.SourceOrder, func(n string) bool { return c.Sources[n].Role == RoleConsent })
	for _, name := range c.CampaignOrder {
		if c.Campaigns[name].LawfulBasis == Consent && !has {
			d.at(c.Pos("campaigns", name, "lawful_basis"), "campaign %q: lawful_basis consent needs the consent records: add a source with role %q (columns email, given_at, wording, channel, withdrawn_at)", name, RoleConsent)
		}
	}
}
