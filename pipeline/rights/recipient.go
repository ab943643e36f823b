package rights

import "github.com/example/pipeline/pipeline/config"

// recipientContact is the contact pipeline.yaml gives for a recipient of
// an export (campaigns.*.recipient.contact): the campaign's own when its
// recipient still has that name, else any campaign's recipient of that
// name; "" when none is recorded.
func recipientContact(cfg *config.Config, campaign, recipient string) string {
	if cp := cfg.Campaigns[campaign]; cp != nil && cp.Recipient == recipient && cp.RecipientContact != "" {
		return cp.RecipientContact
	}
	for _, name := range cfg.CampaignOrder {
		if cp := cfg.Campaigns[name]; cp.Recipient == recipient && cp.RecipientContact != "" {
			return cp.RecipientContact
		}
	}
	return ""
}

// contactText is a recipient's contact for the text outputs.
func contactText(contact string) string {
	if contact == "" {
		return "no contact recorded: add recipient.contact in pipeline.yaml"
	}
	return contact
}
