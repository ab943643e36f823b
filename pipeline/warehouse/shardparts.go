package warehouse

import "path/filepath"

// shardParts lists the shard folders of sharded runs not yet committed
// beside export folder dir (.<base>.parts-<run>/shard-I-of-N, see
// pipeline/shard): personal data no lineage of the unsharded warehouse
// names, which rights search like a staged export.
func shardParts(dir string) ([]string, error) {
	clean := filepath.Clean(dir)
	return filepath.Glob(filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".parts-*", "shard-*-of-*"))
}
