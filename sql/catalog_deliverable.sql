-- deliverable has the prospects' columns: same categories
DELETE FROM catalog WHERE dataset = 'deliverable';
INSERT INTO catalog SELECT 'deliverable', 'deliverable', "column", category, personal, confidence, method, evidence, classified_at, run_id FROM catalog WHERE dataset = 'prospects';
