package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// SchemaID is the $id of the JSON Schema of pipeline.yaml.
const SchemaID = "https://pipeline.example/schema/pipeline.schema.json"

// keyTables names the key tables the decoder checks each mapping against
// (sections.go). The JSON Schema is generated from these same slices, so a
// key the decoder accepts is a key the schema describes: Schema fails when
// a key has no entry in keyDocs, and TestSchemaCoversEveryKey says which.
var keyTables = []struct {
	section string // "" is the top level
	keys    *[]string
}{
	{"", &topKeys},
	{"controller", &controllerKeys},
	{"engine", &engineKeys},
	{"limits", &limitsKeys},
	{"source", &sourceKeys},
	{"targeting", &targetingKeys},
	{"role", &roleKeys},
	{"campaign", &campaignKeys},
	{"recipient", &recipientKeys},
	{"lia", &liaKeys},
	{"export", &exportKeys},
	{"sink", &sinkKeys},
	{"classification", &classificationKeys},
}

// prop is one key's type and meaning in the schema. Exactly one of the
// shapes is used: a $ref to another section, a map of sections (mapOf), or
// a plain JSON Schema fragment (schema).
type prop struct {
	desc     string
	ref      string         // another section (its object schema)
	mapOf    string         // an object whose values are this section
	schema   map[string]any // a plain fragment: type, enum, pattern, ...
	required bool
}

func str() map[string]any            { return map[string]any{"type": "string"} }
func enum(v []string) map[string]any { return map[string]any{"type": "string", "enum": v} }
func strList() map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
}
func freeMap() map[string]any { return map[string]any{"type": "object"} }
func date() map[string]any {
	return map[string]any{"type": "string", "pattern": `^\d{4}-\d{2}-\d{2}$`}
}

// keyDocs says, per section and key, what the key holds. The decoder stays
// the authority on values (it checks ranges, references between sections,
// paths and predicates); the schema gives an editor types, vocabularies and
// descriptions.
var keyDocs = map[string]map[string]prop{
	"": {
		"version":        {desc: "config format version; 1", schema: map[string]any{"const": 1}, required: true},
		"name":           {desc: "the pipeline's name, in run records and reports", schema: str(), required: true},
		"controller":     {desc: "the data controller named in SAR reports", ref: "controller", required: true},
		"warehouse":      {desc: "the DuckDB warehouse file; relative paths resolve from the config's folder", schema: str(), required: true},
		"exports_dir":    {desc: "the folder exports are written under (default: exports)", schema: str()},
		"engine":         {desc: "DuckDB settings", ref: "engine"},
		"limits":         {desc: "limits that fail a run", ref: "limits"},
		"sources":        {desc: "the sources, by name (lower_snake_case; names warehouse tables raw_<name>)", mapOf: "source", required: true},
		"targeting":      {desc: "which companies and roles are prospected", ref: "targeting"},
		"campaigns":      {desc: "the campaigns exports are made for, by name", mapOf: "campaign"},
		"exports":        {desc: "the exports, by name", mapOf: "export"},
		"classification": {desc: "the data map: pins and sampling", ref: "classification"},
	},
	"controller": {
		"name":    {desc: "the controller's legal name", schema: str(), required: true},
		"contact": {desc: "where data subjects write (the DPO)", schema: str(), required: true},
	},
	"engine": {
		"threads":         {desc: "DuckDB threads (0: DuckDB's default)", schema: map[string]any{"type": "integer", "minimum": 0}},
		"memory_limit":    {desc: "DuckDB memory_limit, e.g. 4GB or 80%", schema: str()},
		"temp_directory":  {desc: "where DuckDB spills (default: tmp beside the warehouse)", schema: str()},
		"raw_compression": {desc: "raw Parquet files: fast (uncompressed, the default) or small (zstd)", schema: enum([]string{RawCompressionFast, RawCompressionSmall})},
		"raw_buckets":     {desc: "subject buckets of the raw files", schema: map[string]any{"type": "integer", "minimum": 1, "maximum": MaxRawBuckets}},
	},
	"limits": {
		"max_reject_rate":   {desc: "share of malformed rows per source that fails the run (0..1)", schema: map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
		"rejects_retention": {desc: "how long rejected lines (personal data) are kept, e.g. 30 days (the default); a source's shorter retention wins", schema: str()},
	},
	"source": {
		"role":            {desc: "what the source holds", schema: enum(SourceRoles), required: true},
		"description":     {desc: "who or what the source is, told to data subjects in SAR reports (e.g. the vendor's name)", schema: str()},
		"connector":       {desc: "a built-in connector (csv, parquet, postgres, http) or a plugin's name", schema: str(), required: true},
		"kind":            {desc: "suppression sources: what the list holds", schema: enum(SuppressionKinds)},
		"reason":          {desc: "suppression sources: why (unsubscribe, objection, complaint, tps, ctps, client_dnc, ...)", schema: map[string]any{"type": "string", "pattern": `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`}},
		"options":         {desc: "the connector's options (path, dsn, ...); ${ENV} is expanded", schema: freeMap()},
		"map":             {desc: "canonical column <- source column", schema: map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}},
		"retention":       {desc: "how long the source's data is kept, e.g. 12 months; required for people and reference sources", schema: str()},
		"retention_from":  {desc: "people and reference sources: where retention counts from, first_seen (default: when the subject was first staged from this source) or last_seen (the last run that staged them)", schema: enum(RetentionFroms)},
		"max_reject_rate": {desc: "share of malformed lines this source may have (0..1); a suppression list fails on any unless set", schema: map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
	},
	"targeting": {
		"companies": {desc: "a DuckDB predicate over company columns", schema: str()},
		"roles":     {desc: "the departments and seniorities kept (minimisation)", schema: map[string]any{"type": "array"}, ref: "role"},
	},
	"role": {
		"department": {desc: "a department", schema: enum(Departments), required: true},
		"seniority":  {desc: "seniorities kept in that department", schema: map[string]any{"type": "array", "items": enum(Seniorities)}},
	},
	"campaign": {
		"recipient": {desc: "the third party the export is shared with: a name, or {name, contact}", required: true,
			schema: map[string]any{"oneOf": []any{str(), map[string]any{"$ref": "#/$defs/recipient"}}}},
		"purpose":      {desc: "the purpose, as told to data subjects", schema: str(), required: true},
		"lawful_basis": {desc: "the lawful basis of the processing", schema: enum(LawfulBases), required: true},
		"regions":      {desc: "ISO 3166-1 alpha-2 country codes", schema: map[string]any{"type": "array", "items": map[string]any{"type": "string", "pattern": "^[A-Za-z]{2}$"}}, required: true},
		"channels":     {desc: "outreach channels", schema: map[string]any{"type": "array", "items": enum(Channels)}},
		"lia":          {desc: "the legitimate interests assessment", ref: "lia"},
	},
	"recipient": {
		"name":    {desc: "the recipient's legal name", schema: str(), required: true},
		"contact": {desc: "how the recipient is reached for Art. 19 notices (an email address)", schema: str()},
	},
	"lia": {
		"assessed_on":      {desc: "the assessment's date", schema: date()},
		"assessed_by":      {desc: "who assessed", schema: str()},
		"purpose_test":     {desc: "passed before any export", schema: str()},
		"necessity_test":   {desc: "passed before any export", schema: str()},
		"balancing_test":   {desc: "passed before any export", schema: str()},
		"b2b":              {desc: "the campaign targets corporate subscribers; required for legitimate-interests email", schema: map[string]any{"type": "boolean"}},
		"review_by":        {desc: "the date the assessment must be reviewed by; past it the campaign is refused", schema: date()},
		"purpose_answer":   {desc: "the purpose test's answer as text (what legitimate interest is pursued); recorded in the manifest and the record of processing", schema: str()},
		"necessity_answer": {desc: "the necessity test's answer as text (why this processing is needed for it)", schema: str()},
		"balancing_answer": {desc: "the balancing test's answer as text (why the subjects' interests do not override it)", schema: str()},
	},
	"export": {
		"campaign":               {desc: "the campaign the export is made for", schema: str(), required: true},
		"columns":                {desc: "the prospects columns exported", schema: strList(), required: true},
		"partition_by":           {desc: "columns the export is partitioned by (hive style: <column>=<value>/ folders)", schema: strList()},
		"keep_partition_columns": {desc: "also write the partition columns inside the files (by default their values are only in the folder names)", schema: map[string]any{"type": "boolean"}},
		"rows_per_file":          {desc: "most rows in one export file; a subject's file is found from its subject_key (docs/exports-files.md)", schema: map[string]any{"type": "integer", "minimum": 1, "default": 131072}},
		"sink":                   {desc: "where the export is written", ref: "sink", required: true},
	},
	"sink": {
		"connector": {desc: "a sink connector (parquet, postgres, ...)", schema: str(), required: true},
		"options":   {desc: "the sink's options (dir, dsn, ...)", schema: freeMap()},
	},
	"classification": {
		"pin":         {desc: "dataset.column: category", schema: map[string]any{"type": "object", "additionalProperties": enum(Categories)}},
		"sample_size": {desc: "values sampled per column", schema: map[string]any{"type": "integer", "minimum": 1}},
		"threshold":   {desc: "confidence a value detector needs (0..1)", schema: map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
	},
}

// Schema returns the JSON Schema (draft 2020-12) of pipeline.yaml, built from
// the decoder's key tables. It is deterministic: the same binary prints the
// same bytes. An error means a key table has a key keyDocs does not describe.
func Schema() ([]byte, error) {
	defs := map[string]any{}
	var top map[string]any
	for _, t := range keyTables {
		obj, err := sectionSchema(t.section, *t.keys)
		if err != nil {
			return nil, err
		}
		if t.section == "" {
			top = obj
			continue
		}
		defs[t.section] = obj
	}
	top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	top["$id"] = SchemaID
	top["title"] = "pipeline.yaml"
	top["$defs"] = defs
	return json.MarshalIndent(top, "", "  ")
}

func sectionSchema(section string, keys []string) (map[string]any, error) {
	docs := keyDocs[section]
	props := map[string]any{}
	var required []string
	for _, k := range keys {
		p, ok := docs[k]
		if !ok {
			return nil, fmt.Errorf("config schema: key %q of section %q has no entry in keyDocs", k, section)
		}
		props[k] = p.fragment()
		if p.required {
			required = append(required, k)
		}
	}
	for k := range docs {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("config schema: keyDocs describes %q in section %q, which the decoder does not accept", k, section)
		}
	}
	sort.Strings(required)
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj, nil
}

func (p prop) fragment() map[string]any {
	ref := func(s string) map[string]any { return map[string]any{"$ref": "#/$defs/" + s} }
	var out map[string]any
	switch {
	case p.mapOf != "":
		out = map[string]any{"type": "object", "additionalProperties": ref(p.mapOf)}
	case p.ref != "" && p.schema != nil: // a list of sections
		out = map[string]any{"type": "array", "items": ref(p.ref)}
	case p.ref != "":
		out = ref(p.ref)
	default:
		out = map[string]any{}
		for k, v := range p.schema {
			out[k] = v
		}
	}
	out["description"] = p.desc
	return out
}
