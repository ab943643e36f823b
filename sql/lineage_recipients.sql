-- each recipient's exports and when each was last delivered
SELECT recipient, export, max(exported_at)::VARCHAR FROM lineage GROUP BY ALL ORDER BY 1, 2
