-- the (dataset, column) pairs of the catalog: which source holds which
-- column, for an export's description (flow/export_doc.go).
SELECT DISTINCT dataset, "column" FROM catalog ORDER BY 1, 2;
