{{/* the FROM fragment reading a raw table's files: every *.parquet under the folder . (never a .tmp file) */ -}}
read_parquet({{rawGlob .}}, hive_partitioning = false)