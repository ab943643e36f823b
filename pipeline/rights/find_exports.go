package rights

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/config"
)

func (f *Findings) findSuppression(ctx context.Context, c *sql.Conn) error {
	p := params{"email_hash": f.Subject.Key}
	var names []string
	for i, ph := range f.Subject.Phones {
		name := fmt.Sprintf("phone_hash_%d", i)
		p[name] = hashOf(ph)
		names = append(names, name)
	}
	rows, _, err := queryRowsT(ctx, c, "sar_suppression", names, p)
	if err != nil {
		return fmt.Errorf("suppression: %w", err)
	}
	f.Suppression = rows
	for _, r := range rows {
		if r["kind"] == "email" && r["reason"] == "erasure" {
			f.Tombstoned = true
		}
	}
	return nil
}

func absDir(cfg *config.Config, d string) string {
	if !filepath.IsAbs(d) {
		d = filepath.Join(cfg.Dir, d)
	}
	return filepath.Clean(d)
}

// findExports reads the export files that may hold the subject: those the
// lineage index names, the staged exports of unfinished runs and, deep,
// every file of every file sink, each only when its name says it may hold
// the subject (manifest.MayHold). dirs are the file sinks' folders.
func (f *Findings) findExports(ctx context.Context, c *sql.Conn, cfg *config.Config, dirs map[string]string, deep bool) error {
	files, inLineage, dirs, err := f.exportCandidates(ctx, c, cfg, dirs, deep)
	if err != nil || len(files) == 0 {
		return err
	}
	hits, _, err := queryRowsT(ctx, c, "sar_export_rows", nil, params{"files": keys(files), "key": f.Subject.Key})
	if err != nil {
		return fmt.Errorf("read exports: %w", err)
	}
	byExport := map[string]*ExportHit{}
	var order []string
	for _, r := range hits {
		file := str(r["_file"])
		delete(r, "_file")
		name, dir := "", filepath.Dir(file)
		for d, n := range dirs {
			if strings.HasPrefix(file, d+string(filepath.Separator)) {
				name, dir = n, d
			}
		}
		if name == "" {
			name = filepath.Base(dir)
		}
		h := byExport[name]
		if h == nil {
			h = f.newExportHit(cfg, name, dir, inLineage[name])
			byExport[name] = h
			order = append(order, name)
		}
		h.Files = addUnique(h.Files, file)
		h.FileRows[file]++
		h.Rows = append(h.Rows, r)
	}
	sort.Strings(order)
	for _, n := range order {
		sort.Strings(byExport[n].Files)
		f.Exports = append(f.Exports, *byExport[n])
	}
	return nil
}

// exportCandidates records the subject's lineage in f and returns the
// export files that may hold the subject: those the lineage names that
// still exist, every Parquet file of an unfinished run's staged exports,
// and with deep every file of every export folder whose manifest does not
// rule the subject out. It also returns the exports the lineage names and
// dirs extended with the staged folders (a copy: the caller's map is not
// changed).
func (f *Findings) exportCandidates(ctx context.Context, c *sql.Conn, cfg *config.Config, dirs map[string]string, deep bool) (files, inLineage map[string]bool, all map[string]string, err error) {
	rows, _, err := queryRowsT(ctx, c, "sar_lineage", nil, params{"key": f.Subject.Key})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("lineage: %w", err)
	}
	files, inLineage = map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		l := Lineage{Export: str(r["export"]), Campaign: str(r["campaign"]), Recipient: str(r["recipient"]),
			Dir: str(r["dir"]), File: str(r["file"]), RunID: str(r["run_id"])}
		l.ExportedAt, _ = time.Parse(time.RFC3339, str(r["exported_at"]))
		f.Lineage = append(f.Lineage, l)
		// the export's configured folder wins over the recorded one, so a
		// project folder that moved is still covered
		dir := absDir(cfg, l.Dir)
		for d, n := range dirs {
			if n == l.Export {
				dir = d
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(l.File))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			files[p] = true
			inLineage[l.Export] = true
		}
	}
	all = maps.Clone(dirs)
	// the staged exports of unfinished runs are searched always: they hold
	// personal data that no lineage names (see warehouse.Leftovers)
	scan := map[string]bool{}
	if err := leftoverDirs(cfg, all, scan); err != nil {
		return nil, nil, nil, err
	}
	if deep {
		for d := range all {
			scan[d] = true
		}
	}
	for d := range scan {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".parquet") && manifest.MayHold(p, f.Subject.Key) {
				files[p] = true
			}
			return nil
		})
	}
	return files, inLineage, all, nil
}

// newExportHit is an empty ExportHit for export name in folder dir, with
// its campaign and recipient from cfg and its first export time from
// f's lineage.
func (f *Findings) newExportHit(cfg *config.Config, name, dir string, inLineage bool) *ExportHit {
	h := &ExportHit{Export: name, Dir: dir, InLineage: inLineage, FileRows: map[string]int{}}
	if ex := cfg.Exports[name]; ex != nil {
		h.Campaign = ex.Campaign
		if camp := cfg.Campaigns[ex.Campaign]; camp != nil {
			h.Recipient = camp.Recipient
		}
	}
	for _, l := range f.Lineage {
		if l.Export == name && (h.FirstExported.IsZero() || l.ExportedAt.Before(h.FirstExported)) {
			h.FirstExported = l.ExportedAt
		}
	}
	return h
}

// locateSinks asks every export sink that locates by itself; file sinks
// are read by findExports, and the others are not searchable.
func (f *Findings) locateSinks(ctx context.Context, cfg *config.Config, caps []*sinkCaps) error {
	for _, sc := range caps {
		if sc.root != "" || sc.locator == nil {
			continue
		}
		locs, err := sc.locator.Locate(ctx, cfg.Exports[sc.export].Sink.Options, f.Subject.Key)
		if err != nil {
			return fmt.Errorf("export %q: locate: %w", sc.export, err)
		}
		if len(locs) > 0 {
			f.Sinks = append(f.Sinks, SinkHit{Export: sc.export, Connector: sc.connector, Locations: locs})
		}
	}
	f.NotSearchable = notSearchable(cfg, caps, false)
	f.notErasable = notSearchable(cfg, caps, true)
	return nil
}
