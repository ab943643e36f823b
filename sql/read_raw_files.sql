{{/* the FROM fragment reading some of a raw table's files (engine.Scan.RawFiles, through scan.sql): the paths given (rights/bucketfiles.go), each a literal the pipeline built */ -}}
read_parquet([{{range $i, $f := .}}{{if $i}}, {{end}}{{path $f}}{{end}}], hive_partitioning = false)
