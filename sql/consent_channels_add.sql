INSERT INTO campaign_channels VALUES ($1, $2)
