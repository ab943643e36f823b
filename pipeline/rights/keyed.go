package rights

// keyedTables are the warehouse tables the pipeline itself builds with
// one row per subject keyed by the subject's email: every row's
// subject_key is sha256 of its email column, and the email column is
// either a normalised address (normalize.Email is idempotent) or, for a
// source address that does not normalise, its lower-cased text, which does
// not normalise either (sql/enrich_prospects.sql builds prospects so;
// sql/suppress_deliverable.sql copies prospects' rows into deliverable).
// subject_key is never NULL there.
//
// Contract the search relies on: in such a table a row can match the
// subject predicate (sql/sar_predicate.sql) only when its subject_key is
// the subject's key — by its email (normalised to the subject's email, so
// keyed by it), by its key, or through a phone or profile URL (the
// predicate then requires the row's key to be the subject's or NULL); the
// derived-email branch applies to raw tables only (derived.go). The
// search therefore filters on subject_key first, which the table's
// subject_key order turns into reading one row group (min/max statistics)
// instead of the whole table. TestKeyedTablesInvariant checks the
// contract on a run's tables.
var keyedTables = map[string]bool{"prospects": true, "deliverable": true}

// keyedColumn is the column a keyed search filters on first (see
// keyedTables): "" for a table that is not keyed, a raw table (a keyed
// table's files are keyed: narrowToBuckets reads the subject's bucket), a subject
// without a key, or a table whose identifier columns are not exactly one
// email and one subject_key column.
func keyedColumn(m matchCols, subjectKey string) string {
	if !keyedTables[m.Table] || m.Raw != nil && !m.Raw.Keyed() || subjectKey == "" {
		return ""
	}
	if len(m.Key) != 1 || m.Key[0] != "subject_key" || len(m.Email) != 1 || m.Email[0] != "email" {
		return ""
	}
	return m.Key[0]
}
