package flow

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestStageListDrivesTheRun: the names, --until, --select and the report
// order all come from the one list, in the order it runs.
func TestStageListDrivesTheRun(t *testing.T) {
	want := []string{StageStage, StageEnrich, StageSuppress, StageClassify, StageExport}
	if !slices.Equal(Stages, want) {
		t.Fatalf("Stages %v, want %v", Stages, want)
	}
	for i, s := range stages {
		if stageRank(s.Name()) != i {
			t.Errorf("stageRank(%s) = %d, want %d", s.Name(), stageRank(s.Name()), i)
		}
		if got := stageNames(stagesUpTo(s.Name())); !slices.Equal(got, want[:i+1]) {
			t.Errorf("--until %s runs %v, want %v", s.Name(), got, want[:i+1])
		}
		_, re := s.(rerunnable)
		_, no := s.(notRerunnable)
		if re == no {
			t.Errorf("stage %s: rerunnable %v, refused with a reason %v: want exactly one", s.Name(), re, no)
		}
	}
	if stageRank("purge") != len(Stages) {
		t.Error("a row of no stage (purge) does not sort last")
	}
	reruns := map[string][]string{
		StageSuppress: {StageSuppress},
		StageClassify: {StageClassify},
		StageExport:   {StageSuppress, StageClassify, StageExport},
	}
	for sel, w := range reruns {
		if err := CheckSelect(Options{Select: sel}); err != nil {
			t.Errorf("--select %s: %v", sel, err)
		}
		if got := stageNames(rerunList(sel)); !slices.Equal(got, w) {
			t.Errorf("--select %s reruns %v, want %v", sel, got, w)
		}
	}
	for sel, why := range map[string]string{StageStage: "reads the sources", StageEnrich: "rebuilds prospects", "bogus": "not a step"} {
		err := CheckSelect(Options{Select: sel})
		if !errors.Is(err, ErrSelect) || !strings.Contains(err.Error(), why) {
			t.Errorf("--select %s: %v, want ErrSelect saying %q", sel, err, why)
		}
	}
	r := &Report{}
	for _, st := range []string{"purge", StageExport, StageClassify, StageStage, StageSuppress, StageEnrich, StageStage} {
		r.add(StageRow{Stage: st})
	}
	var got []string
	for _, row := range r.Stages {
		got = append(got, row.Stage)
	}
	if w := []string{StageStage, StageStage, StageEnrich, StageSuppress, StageClassify, StageExport, "purge"}; !slices.Equal(got, w) {
		t.Errorf("report order %v, want %v", got, w)
	}
}
