package flow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/classify"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Dataset is one warehouse table the catalog covers: Table is its name in
// the catalog, Read where this run reads it (a raw table's staged copy).
type Dataset struct {
	Name, Table, Read string
	Catalog           string // the attached database Read is in, when not the warehouse
	RawDir            string // a raw table's files (sql/read_raw.sql), read instead of the view
}

// datasets lists every table a run writes that holds source data.
func (rn *run) datasets() []Dataset {
	var out []Dataset
	for _, name := range rn.Config.SourceOrder {
		if info := rn.sources[name]; info != nil {
			d := Dataset{Name: name, Table: info.Table, Read: info.Staged}
			if info.Layout != nil {
				d.RawDir = info.Layout.Dir
			}
			out = append(out, d)
		}
	}
	return append(out, Dataset{Name: "prospects", Table: "prospects", Read: "prospects"},
		Dataset{Name: "deliverable", Table: "deliverable", Read: "deliverable"},
		Dataset{Name: "rejects", Table: "rejects", Read: "rejects"})
}

func (rn *run) classifyOptions() classify.Options {
	return classify.Options{SampleSize: rn.Config.Classification.SampleSize, Threshold: rn.Config.Classification.Threshold,
		Pins: ExpandPins(rn.Config), Now: rn.started}
}

// classifyTable classifies one dataset on c and logs how long it took.
func (rn *run) classifyTable(ctx context.Context, c *sqlConn, d Dataset) ([]classify.Result, error) {
	t0 := time.Now()
	opts := rn.classifyOptions()
	opts.Catalog, opts.RawDir = d.Catalog, d.RawDir
	res, err := classify.Table(ctx, c, d.Name, d.Read, opts)
	if err != nil {
		return nil, err
	}
	rn.Log.Debug().Str("dataset", d.Name).Dur("took_ms", time.Since(t0)).Msg("classified")
	return res, nil
}

// bgClassification classifies datasets on a second connection while the
// run goes on, so that classification overlaps enrichment and the list
// merge instead of following them: the raw tables and rejects as soon as
// staging commits (nothing in the second transaction changes them before
// the classify stage), prospects as soon as enrichment has built them in
// the scratch database (publishing copies them unchanged).
type bgClassification struct {
	jobs   chan Dataset
	closed sync.Once
	done   chan struct{}
	cancel context.CancelFunc
	res    map[string][]classify.Result // by dataset
	err    error
}

// startClassification starts the background classifier; queue datasets
// with add, then wait with result (or stop).
func (rn *run) startClassification(ctx context.Context) *bgClassification {
	ctx, cancel := context.WithCancel(ctx)
	bc := &bgClassification{jobs: make(chan Dataset, 64), done: make(chan struct{}), cancel: cancel, res: map[string][]classify.Result{}}
	go func() {
		defer close(bc.done)
		c, err := rn.db.Conn(ctx)
		if err != nil {
			bc.err = err
			return
		}
		defer c.Close()
		for d := range bc.jobs {
			if bc.err != nil {
				continue // drain
			}
			res, err := rn.classifyTable(ctx, c, d)
			if err != nil {
				bc.err = fmt.Errorf("classify %s: %w", d.Name, err)
				continue
			}
			bc.res[d.Name] = res
		}
	}()
	return bc
}

// add queues datasets for classification.
func (bc *bgClassification) add(ds ...Dataset) {
	for _, d := range ds {
		bc.jobs <- d
	}
}

// result waits for every queued classification; nothing may be added after.
func (bc *bgClassification) result() (map[string][]classify.Result, error) {
	bc.closed.Do(func() { close(bc.jobs) })
	<-bc.done
	return bc.res, bc.err
}

// stop cancels the background classification and waits for it to end.
func (bc *bgClassification) stop() {
	bc.cancel()
	bc.closed.Do(func() { close(bc.jobs) })
	<-bc.done
}

// committedDatasets are the datasets a run's first transaction wrote and
// committed: the staged raw tables and rejects.
func (rn *run) committedDatasets() []Dataset {
	var out []Dataset
	for _, d := range rn.datasets() {
		if d.Read == warehouse.Next(d.Table) || d.Name == "rejects" {
			out = append(out, d)
		}
	}
	return out
}

// classify writes the catalog for every dataset and then applies the export
// gate on the prospects' categories.
func (rn *run) classify(ctx context.Context, c *sqlConn) error {
	t0 := time.Now()
	var early map[string][]classify.Result
	if rn.bgClass != nil {
		var err error
		if early, err = rn.bgClass.result(); err != nil {
			return err
		}
	}
	var all []classify.Result
	var tables []Dataset
	for _, d := range rn.datasets() {
		if d.Name == "deliverable" {
			continue // written by the suppress stage; same columns as prospects
		}
		tables = append(tables, d)
		res, ok := early[d.Name]
		if !ok {
			var err error
			if res, err = rn.classifyTable(ctx, c, d); err != nil {
				return err
			}
		}
		for i := range res {
			all = append(all, res[i])
		}
		if _, err := c.ExecContext(ctx, engine.SQL("catalog_drop"), d.Name); err != nil {
			return err
		}
		for _, r := range res {
			if _, err := c.ExecContext(ctx, engine.SQL("catalog_add"),
				d.Name, d.Table, r.Column, r.Category, r.Personal, r.Confidence, r.Method, r.Evidence, rn.started, rn.id); err != nil {
				return err
			}
		}
	}
	// deliverable has the prospects' columns: same categories
	if err := execScript(ctx, c, "catalog_deliverable", nil, nil); err != nil {
		return err
	}
	personal := 0
	for _, r := range all {
		if r.Personal {
			personal++
		}
	}
	rn.report.add(StageRow{Stage: StageClassify, Step: "catalog", RowsIn: int64(len(all)), RowsOut: int64(personal), Duration: time.Since(t0),
		Note: fmt.Sprintf("%d columns in %d datasets, %d personal", len(all), len(tables), personal)})
	return Gate(rn.Config, rn.gateCategory(all))
}

// AllowedCategories are the personal categories each outreach channel
// needs; an export may carry no other personal column. The pseudonymous
// subject_key is always allowed (SAR and erasure need it).
var AllowedCategories = map[string][]string{
	"email":    {classify.ContactEmail, classify.IdentityName, classify.ProfessionalJobTitle},
	"phone":    {classify.ContactPhone, classify.IdentityName, classify.ProfessionalJobTitle},
	"linkedin": {classify.OnlineProfileURL, classify.IdentityName, classify.ProfessionalJobTitle},
}

// GateError lists every export column the gate refused.
type GateError struct{ Problems []string }

func (e *GateError) Error() string {
	return "export gate: " + strings.Join(e.Problems, "; ")
}

// Gate checks every export's columns against their categories: never a
// special-category column, never a personal column its campaign's channels
// do not need, never an unknown column whose values look personal.
func Gate(cfg *config.Config, category func(col string) (classify.Result, bool)) error {
	var problems []string
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		allowed := map[string]bool{classify.PseudonymousSubjectKey: true}
		for _, ch := range Channels(cfg.Campaigns[ex.Campaign]) {
			for _, cat := range AllowedCategories[ch] {
				allowed[cat] = true
			}
		}
		for _, col := range ex.Columns {
			r, ok := category(col)
			if !ok {
				continue // existence is checked by validation
			}
			ev := r.Evidence
			if ev == "" {
				ev = r.Method
			}
			switch {
			case classify.IsSpecial(r.Category):
				problems = append(problems, fmt.Sprintf("export %q column %q is special-category data (%s); it is never exported", name, col, ev))
			case r.Personal && !allowed[r.Category]:
				problems = append(problems, fmt.Sprintf("export %q column %q is %s, which campaign %q's channels %v do not need (%s)", name, col, r.Category, ex.Campaign, Channels(cfg.Campaigns[ex.Campaign]), ev))
			case r.Category == classify.Unknown && r.FreeText:
				problems = append(problems, fmt.Sprintf("export %q column %q is free text the classifier cannot place (%s); it may hold anything people wrote: pin it in classification.pin (e.g. prospects.%s: company.other) once a person has checked it, or drop it", name, col, ev, col))
			case !r.Personal && r.LooksPersonal:
				problems = append(problems, fmt.Sprintf("export %q column %q is unclassified but its values look personal (%s); pin it in classification.pin or drop it", name, col, ev))
			}
		}
	}
	if len(problems) > 0 {
		return &GateError{Problems: problems}
	}
	return nil
}

// Channels returns a campaign's outreach channels (default: email).
func Channels(c *config.Campaign) []string {
	if c == nil || len(c.Channels) == 0 {
		return []string{"email"}
	}
	return c.Channels
}

// ExpandPins returns classification.pin with each pin on a people source's
// column also applied to that column in prospects and deliverable, where
// carried-along columns keep their names.
func ExpandPins(cfg *config.Config) map[string]string {
	pins := map[string]string{}
	for k, v := range cfg.Classification.Pin {
		pins[k] = v
	}
	for k, v := range cfg.Classification.Pin {
		if i := strings.LastIndexByte(k, '.'); i > 0 {
			if src := cfg.Sources[k[:i]]; src != nil && src.Role == "people" {
				pins["prospects."+k[i+1:]] = v
				pins["deliverable."+k[i+1:]] = v
			}
		}
	}
	return pins
}

type classifyResult = classify.Result
