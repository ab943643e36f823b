package flow

import (
	"context"
	"fmt"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// ConsentColumns are the canonical columns of a consent source.
var ConsentColumns = []string{"email", "given_at", "wording", "channel", "withdrawn_at"}

// loadConsent builds the temp tables export_select.sql reads for consent
// campaigns: campaign_channels (each consent campaign's channels, from
// config) and campaign_consent (the subjects with a recorded, unwithdrawn
// consent for all of them, sql/export_consent.sql). A consent campaign
// without any valid record exports nobody.
func (rn *run) loadConsent(ctx context.Context, c *sqlConn) error {
	if _, err := c.ExecContext(ctx, engine.SQL("consent_channels_table")); err != nil {
		return err
	}
	for _, name := range rn.Config.CampaignOrder {
		cp := rn.Config.Campaigns[name]
		if cp.LawfulBasis != config.Consent {
			continue
		}
		for _, ch := range Channels(cp) {
			if _, err := c.ExecContext(ctx, engine.SQL("consent_channels_add"), name, ch); err != nil {
				return fmt.Errorf("campaign %q: %w", name, err)
			}
		}
	}
	sources, _ := rn.union(config.RoleConsent, ConsentStored)
	if len(sources) == 0 {
		_, err := c.ExecContext(ctx, engine.SQL("consent_empty"))
		return err
	}
	return rn.exec(ctx, c, "export_consent", map[string]any{"Sources": sources}, params{"now": rn.started})
}
