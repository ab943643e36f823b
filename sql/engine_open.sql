-- run on every new connection (engine.Open): DuckDB never downloads or
-- loads an extension by itself; the warehouse's settings from pipeline.yaml
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
{{if gt .Threads 0}}SET threads = {{.Threads}};
{{end}}{{if .MemoryLimit}}SET memory_limit = {{literal .MemoryLimit}};
{{end}}{{if .TempDirectory}}SET temp_directory = {{literal .TempDirectory}};
{{end}}
