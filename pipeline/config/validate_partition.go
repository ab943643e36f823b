package config

import (
	"strconv"

	"github.com/example/pipeline/pipeline/classify"
)

// validatePartitions refuses a partition_by column that holds personal
// data (by its name, as the classify stage reads it; a pin on
// prospects.COLUMN or deliverable.COLUMN counts): its values would become
// folder names and manifest entries, which no erasure rewrites and every
// reader of the export directory sees. subject_key is pseudonymous
// personal data and is refused too. Fail closed: a company column
// (country, industry) partitions as well.
func (d *decoder) validatePartitions(c *Config) {
	for _, name := range c.ExportOrder {
		x := c.Exports[name]
		for i, col := range x.PartitionBy {
			for _, ds := range []string{"deliverable", "prospects"} {
				r := classify.ByName(ds, col, c.Classification.Pin)
				if !r.Personal {
					continue
				}
				d.at(c.Pos("exports", name, "partition_by", strconv.Itoa(i)),
					"export %q: partition_by column %q is personal data (%s): its values would become folder names that no erasure can remove; partition by a company column such as country or industry",
					name, col, r.Category)
				break
			}
		}
	}
}
