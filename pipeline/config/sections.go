package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var (
	topKeys            = []string{"version", "name", "controller", "warehouse", "exports_dir", "engine", "limits", "sources", "targeting", "campaigns", "exports", "classification"}
	controllerKeys     = []string{"name", "contact"}
	engineKeys         = []string{"threads", "memory_limit", "temp_directory", "raw_compression", "raw_buckets"}
	limitsKeys         = []string{"max_reject_rate", "rejects_retention"}
	sourceKeys         = []string{"role", "description", "connector", "kind", "reason", "options", "map", "retention", "retention_from", "max_reject_rate"}
	targetingKeys      = []string{"companies", "roles"}
	roleKeys           = []string{"department", "seniority"}
	campaignKeys       = []string{"recipient", "purpose", "lawful_basis", "regions", "channels", "lia"}
	liaKeys            = []string{"assessed_on", "assessed_by", "purpose_test", "necessity_test", "balancing_test", "b2b", "review_by", "purpose_answer", "necessity_answer", "balancing_answer"}
	exportKeys         = []string{"campaign", "columns", "partition_by", "keep_partition_columns", "rows_per_file", "sink"}
	sinkKeys           = []string{"connector", "options"}
	classificationKeys = []string{"pin", "sample_size", "threshold"}

	datasetNameRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	campaignNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	lowerSnakeRE   = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	regionRE       = regexp.MustCompile(`^[A-Z]{2}$`)
	memoryLimitRE  = regexp.MustCompile(`(?i)^\d+(\.\d+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib|%)$`)
)

// config decodes the top-level mapping into c.
func (d *decoder) config(c *Config, root *yaml.Node) {
	f := d.fields(root, "", topKeys...)

	if p, ok := f["version"]; !ok {
		d.errorf(nil, "missing required key %q %s", "version", in(""))
	} else if v, ok := d.integer(p, "version"); ok {
		c.Version = v
		if v != 1 {
			d.errorf(p.val, "version %d is not supported (want 1)", v)
		}
	} else if isNull(p.val) {
		d.errorf(p.key, "version must not be empty")
	}
	c.Name = d.required(f, "", "name", nil)

	if p, ok := f["controller"]; !ok {
		d.errorf(nil, "missing required key %q %s", "controller", in(""))
	} else {
		cf := d.fields(p.val, "controller", controllerKeys...)
		c.Controller.Name = d.required(cf, "controller", "name", p.key)
		c.Controller.Contact = d.required(cf, "controller", "contact", p.key)
	}

	if w := d.required(f, "", "warehouse", nil); w != "" {
		n := len(d.diags)
		c.Warehouse = d.resolvePath(strings.TrimSpace(d.expand(f["warehouse"].val, "warehouse")))
		if c.Warehouse == "" && len(d.diags) == n {
			d.errorf(f["warehouse"].val, "warehouse is empty once ${...} is expanded")
		}
	}
	c.ExportsDir = filepath.Join(c.Dir, "exports")
	if p, ok := f["exports_dir"]; ok {
		if s := strings.TrimSpace(d.str(p, "exports_dir")); s != "" {
			c.ExportsDir = d.resolvePath(d.expand(p.val, "exports_dir"))
		}
	}

	d.engine(c, f["engine"])
	c.Limits.MaxRejectRate = DefaultMaxRejectRate
	c.Limits.RejectsRetention = DefaultRejectsRetention
	if p, ok := f["limits"]; ok {
		lf := d.fields(p.val, "limits", limitsKeys...)
		if v, ok := d.number(lf["max_reject_rate"], "limits.max_reject_rate"); ok {
			c.Limits.MaxRejectRate = v
			if v < 0 || v > 1 {
				d.errorf(lf["max_reject_rate"].val, "limits.max_reject_rate must be between 0 and 1, not %v", v)
			}
		}
		d.rejectsRetention(c, lf["rejects_retention"])
	}

	d.sources(c, f["sources"])
	d.targeting(c, f["targeting"])
	d.campaigns(c, f["campaigns"])
	d.exports(c, f["exports"])
	d.classification(c, f["classification"])
}

func (d *decoder) engine(c *Config, p pair) {
	ef := d.fields(p.val, "engine", engineKeys...)
	if v, ok := d.integer(ef["threads"], "engine.threads"); ok {
		c.Engine.Threads = v
		if v < 0 {
			d.errorf(ef["threads"].val, "engine.threads must be 0 (DuckDB's default) or more, not %d", v)
		}
	}
	if s := strings.TrimSpace(d.str(ef["memory_limit"], "engine.memory_limit")); s != "" {
		c.Engine.MemoryLimit = s
		if !memoryLimitRE.MatchString(s) {
			d.errorf(ef["memory_limit"].val, "engine.memory_limit %q is not a size (e.g. 4GB, 512MB, 80%%)", s)
		}
	}
	c.Engine.RawCompression = RawCompressionFast
	if rc := ef["raw_compression"]; rc.present() {
		switch s := strings.TrimSpace(d.str(rc, "engine.raw_compression")); s {
		case RawCompressionFast, RawCompressionSmall:
			c.Engine.RawCompression = s
		default:
			d.errorf(rc.val, "engine.raw_compression %q is not %q (quicker runs, larger raw files; the default) or %q (zstd)",
				s, RawCompressionFast, RawCompressionSmall)
		}
	}
	c.Engine.RawBuckets = DefaultRawBuckets
	if v, ok := d.integer(ef["raw_buckets"], "engine.raw_buckets"); ok {
		c.Engine.RawBuckets = v
		if v < 1 || v > MaxRawBuckets {
			d.errorf(ef["raw_buckets"].val, "engine.raw_buckets must be between 1 and %d, not %d", MaxRawBuckets, v)
		}
	}
	if c.Warehouse != "" {
		c.Engine.TempDirectory = filepath.Join(filepath.Dir(c.Warehouse), "tmp")
	}
	if t := ef["temp_directory"]; t.present() {
		if s := strings.TrimSpace(d.str(t, "engine.temp_directory")); s != "" {
			c.Engine.TempDirectory = d.resolvePath(d.expand(t.val, "engine.temp_directory"))
		}
	}
}

func (d *decoder) sources(c *Config, p pair) {
	c.Sources = map[string]*Source{}
	if !p.present() {
		d.errorf(nil, "missing required key %q %s", "sources", in(""))
		return
	}
	es := d.entries(p.val, "sources")
	if len(es) == 0 && (isNull(p.val) || resolve(p.val).Kind == yaml.MappingNode) {
		d.errorf(p.key, "sources must list at least one source")
	}
	for _, e := range es {
		name := e.key.Value
		if !datasetNameRE.MatchString(name) {
			d.errorf(e.key, "source name %q must be lower case letters, digits and _ (it names warehouse tables)", name)
		}
		c.Sources[name] = d.source(name, e)
		c.SourceOrder = append(c.SourceOrder, name)
	}
}

func (d *decoder) source(name string, e pair) *Source {
	where := "sources." + name
	f := d.fields(e.val, where, sourceKeys...)
	s := &Source{Name: name}
	s.Role = d.required(f, where, "role", e.key)
	if s.Role != "" && !slices.Contains(SourceRoles, s.Role) {
		d.errorf(f["role"].val, "source %q: role %q is not allowed (allowed: %s)", name, s.Role, strings.Join(SourceRoles, ", "))
	}
	s.Description = strings.TrimSpace(d.str(f["description"], where+".description"))
	s.Connector = d.required(f, where, "connector", e.key)
	if s.Role == RoleSuppression {
		s.Kind = d.required(f, where, "kind", e.key)
		if s.Kind != "" && !slices.Contains(SuppressionKinds, s.Kind) {
			d.errorf(f["kind"].val, "source %q: kind %q is not allowed (allowed: %s)", name, s.Kind, strings.Join(SuppressionKinds, ", "))
		}
		s.Reason = d.required(f, where, "reason", e.key)
		if s.Reason != "" && !lowerSnakeRE.MatchString(s.Reason) {
			d.errorf(f["reason"].val, "source %q: reason %q must be lower_snake_case (e.g. unsubscribe, objection, complaint, tps, ctps, client_dnc)", name, s.Reason)
		}
	} else if slices.Contains(SourceRoles, s.Role) {
		for _, k := range []string{"kind", "reason"} {
			if p, ok := f[k]; ok {
				d.errorf(p.key, "source %q: %s is only allowed on suppression sources (role is %q)", name, k, s.Role)
			}
		}
	}
	s.RawOptions, s.Options = d.options(f["options"], where+".options")
	s.Map, _ = d.stringMap(f["map"], where+".map")
	s.MaxRejectRate = d.sourceRejectRate(f["max_reject_rate"], where)
	d.sourceRetention(s, f, e.key)
	return s
}

func (d *decoder) targeting(c *Config, p pair) {
	f := d.fields(p.val, "targeting", targetingKeys...)
	if cp := f["companies"]; cp.present() {
		c.Targeting.Companies = strings.TrimSpace(d.str(cp, "targeting.companies"))
		if c.Targeting.Companies != "" {
			d.checkPredicate(resolve(cp.val), c.Targeting.Companies)
		}
	}
	rp := f["roles"]
	rn := resolve(rp.val)
	if isNull(rn) {
		return
	}
	if rn.Kind != yaml.SequenceNode {
		d.typeErr(rn, "targeting.roles", "a list")
		return
	}
	for i, item := range rn.Content {
		where := fmt.Sprintf("targeting.roles[%d]", i)
		it := resolve(item)
		if it.Kind != yaml.MappingNode {
			d.typeErr(item, where, "a mapping")
			continue
		}
		rf := d.fields(it, where, roleKeys...)
		var r Role
		r.Department = d.required(rf, where, "department", item)
		if r.Department != "" && !slices.Contains(Departments, r.Department) {
			d.errorf(rf["department"].val, "%s: department %q is not known (allowed: %s)", where, r.Department, strings.Join(Departments, ", "))
		}
		vals, nodes := d.strList(rf["seniority"], where+".seniority")
		for j, v := range vals {
			if !slices.Contains(Seniorities, v) {
				d.errorf(nodes[j], "%s: seniority %q is not known (allowed: %s)", where, v, strings.Join(Seniorities, ", "))
			}
		}
		r.Seniority = vals
		c.Targeting.Roles = append(c.Targeting.Roles, r)
	}
}

func (d *decoder) campaigns(c *Config, p pair) {
	c.Campaigns = map[string]*Campaign{}
	for _, e := range d.entries(p.val, "campaigns") {
		name := e.key.Value
		if !campaignNameRE.MatchString(name) {
			d.errorf(e.key, "campaign name %q must be letters, digits, _ and -", name)
		}
		c.Campaigns[name] = d.campaign(name, e)
		c.CampaignOrder = append(c.CampaignOrder, name)
	}
}

func (d *decoder) campaign(name string, e pair) *Campaign {
	where := "campaigns." + name
	f := d.fields(e.val, where, campaignKeys...)
	cp := &Campaign{Name: name}
	cp.Recipient, cp.RecipientContact = d.recipient(name, where, f, e.key)
	cp.Purpose = d.required(f, where, "purpose", e.key)
	cp.LawfulBasis = d.required(f, where, "lawful_basis", e.key)
	if cp.LawfulBasis != "" && !slices.Contains(LawfulBases, cp.LawfulBasis) {
		d.errorf(f["lawful_basis"].val, "campaign %q: lawful_basis %q is not allowed (allowed: %s)", name, cp.LawfulBasis, strings.Join(LawfulBases, ", "))
	}

	rp, ok := f["regions"]
	regions, nodes := d.strList(rp, where+".regions")
	if !ok {
		d.errorf(e.key, "missing required key %q %s", "regions", in(where))
	} else if len(regions) == 0 && (isNull(rp.val) || resolve(rp.val).Kind == yaml.SequenceNode) {
		d.errorf(valOrKey(rp), "campaign %q: regions must list at least one ISO 3166-1 alpha-2 country code", name)
	}
	for i, r := range regions {
		r = strings.ToUpper(r)
		if !regionRE.MatchString(r) {
			d.errorf(nodes[i], "campaign %q: region %q is not an ISO 3166-1 alpha-2 country code (e.g. GB, IE)", name, regions[i])
		}
		cp.Regions = append(cp.Regions, r)
	}

	if chp, ok := f["channels"]; ok {
		chans, cnodes := d.strList(chp, where+".channels")
		for i, ch := range chans {
			if !slices.Contains(Channels, ch) {
				d.errorf(cnodes[i], "campaign %q: channel %q is not known (known: %s)", name, ch, strings.Join(Channels, ", "))
			}
		}
		cp.Channels = chans
	}

	lp, hasLIA := f["lia"]
	li := cp.LawfulBasis == LegitimateInterests
	if li && (!hasLIA || isNull(lp.val)) {
		at := e.key
		if hasLIA {
			at = lp.key
		}
		d.errorf(at, "campaign %q: lawful_basis legitimate_interests needs an lia with purpose_test, necessity_test and balancing_test \"passed\" before personal data can be exported", name)
		return cp
	}
	if hasLIA {
		cp.LIA = d.lia(name, where+".lia", lp, li)
	}
	return cp
}

// lia decodes an assessment; strict says the campaign relies on it, so every
// test must be passed and the assessment dated and signed.
func (d *decoder) lia(campaign, where string, p pair, strict bool) LIA {
	f := d.fields(p.val, where, liaKeys...)
	var l LIA
	tests := []struct {
		key string
		dst *string
	}{{"purpose_test", &l.PurposeTest}, {"necessity_test", &l.NecessityTest}, {"balancing_test", &l.BalancingTest}}
	for _, t := range tests {
		tp, ok := f[t.key]
		*t.dst = strings.TrimSpace(d.str(tp, where+"."+t.key))
		switch {
		case !strict:
		case !ok:
			d.errorf(p.key, "campaign %q: LIA %s is missing, must be %q before personal data can be exported", campaign, t.key, LIAPassed)
		case *t.dst != LIAPassed:
			d.errorf(valOrKey(tp), "campaign %q: LIA %s is %q, must be %q before personal data can be exported", campaign, t.key, *t.dst, LIAPassed)
		}
	}
	if strict {
		l.AssessedBy = d.required(f, where, "assessed_by", p.key)
	} else {
		l.AssessedBy = strings.TrimSpace(d.str(f["assessed_by"], where+".assessed_by"))
	}
	ap, ok := f["assessed_on"]
	switch {
	case ok && !isNull(ap.val):
		s := strings.TrimSpace(d.str(ap, where+".assessed_on"))
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			d.errorf(ap.val, "campaign %q: LIA assessed_on %q is not a date (want YYYY-MM-DD)", campaign, s)
		}
		l.AssessedOn = t
	case strict && ok:
		d.errorf(ap.key, "%s.assessed_on must not be empty", where)
	case strict:
		d.errorf(p.key, "missing required key %q %s", "assessed_on", in(where))
	}
	l.B2B = d.boolean(f["b2b"], where+".b2b")
	l.ReviewBy = d.reviewBy(campaign, where, f)
	l.Answers = d.liaAnswers(where, f)
	return l
}

func (d *decoder) exports(c *Config, p pair) {
	c.Exports = map[string]*Export{}
	for _, e := range d.entries(p.val, "exports") {
		name := e.key.Value
		if !datasetNameRE.MatchString(name) {
			d.errorf(e.key, "export name %q must be lower case letters, digits and _", name)
		}
		c.Exports[name] = d.export(name, e)
		c.ExportOrder = append(c.ExportOrder, name)
	}
}

func (d *decoder) export(name string, e pair) *Export {
	where := "exports." + name
	f := d.fields(e.val, where, exportKeys...)
	x := &Export{Name: name}
	x.Campaign = d.required(f, where, "campaign", e.key)

	cp, ok := f["columns"]
	cols, nodes := d.strList(cp, where+".columns")
	if !ok {
		d.errorf(e.key, "missing required key %q %s", "columns", in(where))
	} else if len(cols) == 0 && (isNull(cp.val) || resolve(cp.val).Kind == yaml.SequenceNode) {
		d.errorf(valOrKey(cp), "export %q: columns must list at least one column", name)
	}
	seen := map[string]bool{}
	for i, col := range cols {
		switch {
		case col == "":
			d.errorf(nodes[i], "export %q: column names must not be empty", name)
		case seen[col]:
			d.errorf(nodes[i], "export %q: column %q is listed twice", name, col)
		}
		seen[col] = true
	}
	x.Columns = cols

	parts, pnodes := d.strList(f["partition_by"], where+".partition_by")
	for i, col := range parts {
		if !seen[col] {
			d.errorf(pnodes[i], "export %q: partition_by column %q is not in columns", name, col)
		}
	}
	x.PartitionBy = parts
	x.KeepPartitionColumns = d.boolean(f["keep_partition_columns"], where+".keep_partition_columns")
	if v, ok := d.integer(f["rows_per_file"], where+".rows_per_file"); ok {
		if v < 1 {
			d.errorf(f["rows_per_file"].val, "export %q: rows_per_file must be at least 1, not %d", name, v)
		}
		x.RowsPerFile = v
	}

	sp, ok := f["sink"]
	if !ok {
		d.errorf(e.key, "missing required key %q %s", "sink", in(where))
		x.Sink.Options, x.Sink.RawOptions = map[string]any{}, map[string]any{}
		return x
	}
	sf := d.fields(sp.val, where+".sink", sinkKeys...)
	x.Sink.Connector = d.required(sf, where+".sink", "connector", sp.key)
	x.Sink.RawOptions, x.Sink.Options = d.options(sf["options"], where+".sink.options")
	return x
}

func (d *decoder) classification(c *Config, p pair) {
	c.Classification.SampleSize = DefaultSampleSize
	c.Classification.Threshold = DefaultThreshold
	f := d.fields(p.val, "classification", classificationKeys...)
	pins, entries := d.stringMap(f["pin"], "classification.pin")
	for _, e := range entries {
		k, v := e.key.Value, pins[e.key.Value]
		dataset, column, ok := strings.Cut(k, ".")
		if !ok || dataset == "" || column == "" {
			d.errorf(e.key, "classification.pin: %q must be dataset.column", k)
			delete(pins, k)
			continue
		}
		if !IsCategory(v) {
			d.errorf(e.val, "classification.pin: %q is not a category (allowed: %s)", v, strings.Join(Categories, ", "))
			delete(pins, k)
		}
	}
	c.Classification.Pin = pins
	if v, ok := d.integer(f["sample_size"], "classification.sample_size"); ok {
		c.Classification.SampleSize = v
		if v <= 0 {
			d.errorf(f["sample_size"].val, "classification.sample_size must be positive, not %d", v)
		}
	}
	if v, ok := d.number(f["threshold"], "classification.threshold"); ok {
		c.Classification.Threshold = v
		if v < 0 || v > 1 {
			d.errorf(f["threshold"].val, "classification.threshold must be between 0 and 1, not %v", v)
		}
	}
}
