SELECT dataset, "column", category, personal, confidence, method, coalesce(evidence, '') FROM catalog ORDER BY dataset, rowid
