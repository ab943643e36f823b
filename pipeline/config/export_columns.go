package config

import "slices"

// ExportColumns is an export's column list as written: subject_key is
// always included (first, unless listed) so that SAR and erasure can find
// every row.
func ExportColumns(ex *Export) []string {
	if slices.Contains(ex.Columns, "subject_key") {
		return ex.Columns
	}
	return append([]string{"subject_key"}, ex.Columns...)
}
