INSERT INTO campaign_regions VALUES ($1, $2)
