package main

// rightsCommands are the data subjects' rights and the suppression store.
// It is one piece: a declarative table, one entry per command, read top to
// bottom like the help it becomes.
func rightsCommands() []command {
	return []command{
		{use: "suppress", short: "The do-not-contact store: add, import, list, check, remove",
			long: `The suppression store every run screens prospects against. Emails and phones
are stored and shown only as SHA-256 of their normalised form, domains in
clear. Phones in national form are read as --country (default GB). Every
change is audited (pipeline audit).`,
			example: `  pipeline suppress add --email a@example.com --reason unsubscribe
  pipeline suppress import tps.csv --kind phone --reason tps
  pipeline suppress check --domain example.com`,
			sub: suppressCommands()},
		{use: "restrict", body: answering("restrict", discardingParts(cmdRestrict, always)), request: true,
			short: "Restrict processing of one person (kept, never exported)",
			long: `Records a restriction of processing: the person stays in the warehouse and
leaves every export at once and until pipeline unrestrict. Prints the
recipients to notify.`,
			example: `  pipeline restrict --email a@example.com --note "ticket 4411"
  pipeline restrict --email a@example.com --request R-2027-0001`},
		{use: "unrestrict", body: answering("unrestrict", acrossShards(cmdUnrestrict)), request: true,
			short:   "Lift a restriction of processing",
			long:    `Lifts a restriction: the person is back in exports from the next run unless another suppression applies.`,
			example: `  pipeline unrestrict --email a@example.com`},
		{use: "object", body: answering("object", discardingParts(cmdObject, always)), request: true,
			short: "Record an objection (a permanent suppression)",
			long: `Records the person's objection: a permanent suppression that takes them out of
every current export at once. Only pipeline unobject lifts it.`,
			example: `  pipeline object --email a@example.com --note "replied STOP"`},
		{use: "unobject", body: answering("unobject", acrossShards(cmdUnobject)), request: true,
			short:   "Record that the person withdrew their objection (audited)",
			long:    `Lifts an objection. --evidence (how the withdrawal was received) is required and kept in the audit log.`,
			example: `  pipeline unobject --email a@example.com --evidence "signed letter of 2027-01-05, ticket 4411"`},
		{use: "sar", body: answering("sar", cmdSar), request: true,
			short: "Subject access request: everything held about one person",
			long: `Finds the person in every dataset the pipeline wrote (raw tables, prospects,
rejects, exports, suppression, audit) and prints the report: json, text or a
self-contained html page. Waits while a run holds the warehouse.`,
			example: `  pipeline sar --email a@example.com
  pipeline sar --email a@example.com --phone 07700900123 --format html --out sar.html`},
		{use: "erase", body: answering("erase", cmdErase), request: true,
			short: "Erase one person everywhere, with a tombstone",
			long: `Deletes the person from every table, raw file and export, and records a
tombstone (a hash) so that no later run stages them again. --dry-run prints
exactly what would change; --yes is required to erase.`,
			example: `  pipeline erase --email a@example.com --dry-run
  pipeline erase --email a@example.com --yes
  pipeline erase --emails-from erasures.txt --yes`},
		{use: "rectify", body: answering("rectify", cmdRectify), request: true,
			short: "Correct a person's data in every later run and the current exports",
			long: `Records a correction (GDPR Art. 16) as an override that every later run
applies after staging, so the vendor's wrong value never comes back; rewrites
the current exports' rows at once and prints the recipients to notify
(Art. 19). Without --yes it prints what would change and changes nothing.
A change of email address is an erasure of the old one (pipeline erase).`,
			example: `  pipeline rectify --email a@example.com --set job_title="Finance Director"
  pipeline rectify --email a@example.com --set job_title="CFO" --set phone=07700900123 --yes --request R-2027-0002`},
		{use: "purge", body: acrossShards(cmdPurge),
			short: "Apply retention: delete rows older than their source's retention",
			long:  `Deletes the rows and rejects older than each source's retention (also done at the end of every run).`,
			example: `  pipeline purge --dry-run
  pipeline purge`},
		{use: "requests", body: cmdRequests,
			short: "The register of rights requests and their due dates",
			long: `Lists the rights requests received (access, erasure, restriction, objection,
rectification) with their due dates. --overdue lists only the open requests
past due and exits 1 when there is any (for a scheduler's alert).`,
			example: `  pipeline requests
  pipeline requests --overdue --format json`,
			sub: []command{
				{use: "add", body: cmdRequestsAdd, short: "Register a rights request",
					long: `Registers a request with its received date; it is due one calendar month later.
The sar/erase/restrict/unrestrict/object/unobject command that answers it
takes --request ID.`,
					example: `  pipeline requests add --type access --email a@example.com --identity "reply from the address on file"`},
				{use: "extend ID", body: cmdRequestsExtend, short: "Extend a request's due date by two months",
					long:    `Extends the due date of a complex request; tell the requester, with the reason, within the first month.`,
					example: `  pipeline requests extend R-2027-0001 --reason "complex: 14 datasets"`},
			}},
		{use: "audit", body: acrossShards(cmdAudit),
			short: "Print the hash-chained audit log",
			long:  `Prints the audit log of every change to the suppression store and every rights action, or one subject's entries.`,
			example: `  pipeline audit
  pipeline audit --subject-key 3f2a… --format json`,
			sub: []command{{use: "verify", body: acrossShards(prepend(cmdAudit, "verify")),
				short:   "Verify the audit log's hash chain and head anchor",
				long:    `Checks every entry's hash and the head anchor beside the warehouse; exit 1 when the log was altered or truncated.`,
				example: `  pipeline audit verify`}}},
	}
}

func suppressCommands() []command {
	return []command{
		{use: "add", body: discardingParts(suppressAdd, always), short: "Add one email, domain or phone to the store",
			long: `Adds one value with its reason; --expires makes it temporary.`,
			example: `  pipeline suppress add --email a@example.com --reason unsubscribe
  pipeline suppress add --domain example.com --reason client_dnc --expires 2027-12-31`},
		{use: "import FILE", body: discardingParts(suppressImport, always), short: "Import a list (CSV) of emails, domains or phones",
			long: `Imports a list as one source; a malformed line refuses the import unless
--max-reject-rate allows it (malformed lines go to the rejects table).`,
			example: `  pipeline suppress import tps.csv --kind phone --reason tps
  pipeline suppress import optouts.csv --kind email --reason unsubscribe --source crm`},
		{use: "list", body: acrossShards(suppressList), short: "List the store's entries",
			long:    `Lists the entries, filtered by reason, kind or source; emails and phones as hashes.`,
			example: `  pipeline suppress list --reason objection --format json`},
		{use: "check", body: acrossShards(suppressCheck), short: "Say whether a value is suppressed, and why",
			long:    `Prints whether the value is suppressed, erased (tombstone) or restricted, and every matching entry.`,
			example: `  pipeline suppress check --email a@example.com`},
		{use: "remove", body: acrossShards(suppressRemove), short: "Remove a value from the store",
			long:    `Removes entries for a value. Never an objection (pipeline unobject) nor an erasure tombstone.`,
			example: `  pipeline suppress remove --email a@example.com --source manual`},
	}
}
