package main

import (
	"context"
	"io"
)

// rootLong is `pipeline help`'s description.
const rootLong = `pipeline builds GDPR/PECR-compliant B2B prospect lists with DuckDB from the
company and person files named in pipeline.yaml, and answers data subjects'
rights (access, erasure, restriction, objection) across every dataset it wrote.

Every command reads pipeline.yaml in the current folder unless given -f FILE.
Exit codes: 0 success, 1 runtime failure, 2 usage or config error (a missing
config file included). With --log-format json the final error is one JSON log
event with exit_code.`

// commands is the CLI: one entry per command, its help beside its body.
// Adding a command is one entry here (docs/cli.md).
func commands() []command {
	return append(pipelineCommands(), rightsCommands()...)
}

// pipelineCommands are the commands that build, inspect and describe the
// warehouse. It is one piece: a declarative table, one entry per command,
// read top to bottom like the help it becomes.
func pipelineCommands() []command {
	return []command{
		{use: "run", body: cmdRun,
			short: "Run the pipeline: stage, enrich, suppress, classify, export",
			long: `Runs the pipeline once under the warehouse lock: stages every source, enriches
companies and people into prospects, classifies every column (the catalog),
screens prospects against the suppression store into deliverable, and writes
each export. A failed or interrupted run leaves the warehouse and the exports
as they were. Retention (purge) runs at the end of every run.

--until STEP (alias --only) stops after STEP; --select STEP reruns one step
over the warehouse as it is (export, classify or suppress; see docs/cli.md).
--dry-run does everything in a transaction that is rolled back and reports
the rows each export would write.`,
			example: `  pipeline run
  pipeline run --until classify          # no export written
  pipeline run --select export           # rewrite the exports, no restaging
  pipeline run --dry-run --format json
  pipeline run --log-format json         # for schedulers: one JSON event per line`},
		{use: "commit-run RUN_ID", body: cmdCommitRun,
			short: "Swap in the exports of a sharded run once all its shards succeeded",
			long: `Checks that every shard of the sharded run RUN_ID (pipeline run --shard I/N
--run-id RUN_ID) succeeded, then swaps each export's part files in as one
folder with one manifest. When a shard is missing, still running or failed it
changes nothing, names those shards and exits 1: the previous exports stay in
place. Running it again after an interruption finishes the job. --discard
removes the part files of a run that will not be committed (docs/sharding.md).`,
			example: `  pipeline commit-run nightly-2027-01-05
  pipeline commit-run nightly-2027-01-05 --discard`},
		{use: "validate", body: cmdValidate,
			short: "Check pipeline.yaml and print the plan with its SQL",
			long: `Loads and checks pipeline.yaml (every error as file:line:col), starts each
connector to check its options, and prints every SQL statement a run would
execute, stage by stage. Changes nothing.`,
			example: `  pipeline validate
  pipeline validate -f other.yaml`},
		{use: "catalog", body: cmdCatalog,
			short: "Print the data map: every column, its category and whether it is personal",
			long: `Prints the catalog the last run wrote: for each dataset every column with its
privacy category, whether it is personal data, the confidence and method of the
classification. --format markdown prints it as a record of processing
(purposes, lawful bases, recipients, retention).`,
			example: `  pipeline catalog
  pipeline catalog --format json
  pipeline catalog --format markdown > record-of-processing.md`},
		{use: "connectors", short: "List the connectors: built-in and plugins",
			long: `Connectors read sources and write exports. Built-ins are served by this
binary; plugins are executables found in ./plugins, $PIPELINE_PLUGIN_DIR and
$PATH.`,
			example: `  pipeline connectors list
  pipeline connectors list --format json`,
			sub: []command{{use: "list", body: prepend(cmdConnectors, "list"),
				short: "List every connector with its origin, version and capabilities",
				long: `Starts each connector once and prints its name, kinds (source, sink), origin
(builtin, plugin dir, PATH), version, capabilities and path. Works without
pipeline.yaml; with -f FILE the config's plugins folder is searched too.`,
				example: `  pipeline connectors list
  pipeline connectors list --format json`}}},
		{use: "connector serve NAME", raw: true, hidden: true, body: serveBody,
			short: "(internal) serve a built-in connector over go-plugin"},
		{use: `query "SQL"`, body: cmdQuery,
			short: "Run one read-only SQL statement over the warehouse",
			long: `Runs one SELECT in DuckDB's sandbox: the warehouse attached read-only, only
its raw files and the exports readable, no extensions. Anything else is
refused (exit 2). The statement's SHA-256 and who ran it are recorded in the
audit log first. Output goes to stdout, never to a file.`,
			example: `  pipeline query "SELECT count(*) FROM deliverable"
  pipeline query "SELECT * FROM runs" --format json
  pipeline query "SELECT * FROM catalog" --format csv > catalog.csv`},
		{use: "runs", body: cmdRuns,
			short: "List the run history: id, status, start, duration, rows exported",
			long: `Prints the latest runs, newest first. A run whose process died shows as
crashed.`,
			example: `  pipeline runs
  pipeline runs -n 5 --format json`},
		{use: "schema", body: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
			return cmdSchema(args, stdout, stderr)
		},
			short: "Print the JSON Schema of pipeline.yaml (editor completion)",
			long: `Prints the JSON Schema generated from the key tables the config decoder uses
(also in docs/pipeline.schema.json). Point the YAML language server at it for
completion and checks in the editor.`,
			example: `  pipeline schema > pipeline.schema.json`},
		{use: "version", body: cmdVersion,
			short: "Print the version, VCS revision and DuckDB version (also --version)",
			long:  `Prints the module version, VCS revision and time the binary was built from, the Go version and the DuckDB library it links.`,
			example: `  pipeline version
  pipeline --version
  pipeline version --format json`},
	}
}

// prepend calls b with words before its arguments: a subcommand whose
// body reads its name (connectors list, audit verify).
func prepend(b body, words ...string) body {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return b(ctx, append(append([]string{}, words...), args...), stdout, stderr)
	}
}

// answering is a rights command that may answer a registered request
// (--request ID, see withRequest).
func answering(name string, b func(context.Context, []string, io.Writer, io.Writer) error) body {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return withRequest(ctx, name, args, stdout, stderr, b)
	}
}

func serveBody(_ context.Context, args []string, _, _ io.Writer) error {
	return cmdConnectorServe(args)
}
