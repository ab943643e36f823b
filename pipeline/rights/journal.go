package rights

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/example/pipeline/pipeline/durable"
)

// Erasure steps, in the order a job runs them. A crash after any step is
// completed by running the same erase again: the journal says which steps
// are done, and every step is idempotent.
const (
	StepPlan      = "plan"      // files to rewrite and recipients recorded in the journal
	StepTombstone = "tombstone" // erasure tombstone added: no run brings the subject back
	StepExports   = "exports"   // export files holding the subject rewritten, manifests updated
	StepSinks     = "sinks"     // Erase called on sinks that support it
	StepTables    = "tables"    // warehouse rows, rejects, then lineage deleted (one transaction)
	StepAudit     = "audit"     // audit entry written
	StepCompact   = "compact"   // warehouse checkpointed and rewritten: no erased bytes left in the file
)

// Steps lists the erasure steps in order.
var Steps = []string{StepPlan, StepTombstone, StepExports, StepSinks, StepTables, StepAudit, StepCompact}

// Notice is one third party that received the subject's data and must be
// told of the erasure (GDPR Art. 19).
type Notice struct {
	Recipient string   `json:"recipient"`
	Contact   string   `json:"contact"` // campaigns.*.recipient.contact; "" when not recorded
	Export    string   `json:"export"`
	Campaign  string   `json:"campaign"`
	Columns   []string `json:"columns"`
	First     string   `json:"first_sent"`
	Last      string   `json:"last_sent"`
}

// PlannedFile is one export file that held the subject when the job was
// planned.
type PlannedFile struct {
	Export string `json:"export"`
	Dir    string `json:"dir"`
	File   string `json:"file"` // relative to Dir
	Rows   int    `json:"subject_rows"`
}

// Journal is an erasure job's state on disk: <warehouse folder>/erasure/
// <subject_key>.json, 0600. It holds no personal data: the subject_key,
// file names, counts and recipients only.
type Journal struct {
	SubjectKey string            `json:"subject_key"`
	JobID      string            `json:"job_id"`
	Actor      string            `json:"actor"`
	StartedAt  time.Time         `json:"started_at"`
	Done       map[string]string `json:"steps_done"` // step -> RFC 3339 time
	Files      []PlannedFile     `json:"files"`
	Notices    []Notice          `json:"notices"`
	// NotSearchable: the exports whose sink could not erase (StepSinks)
	NotSearchable []NotSearchable  `json:"not_searchable,omitempty"`
	Counts        map[string]int64 `json:"counts"`
	FinishedAt    *time.Time       `json:"finished_at,omitempty"`
	path          string
}

func journalPath(warehouse, key string) string {
	return filepath.Join(filepath.Dir(warehouse), "erasure", key+".json")
}

// loadJournal returns the unfinished job for key, or nil.
func loadJournal(warehouse, key string) (*Journal, error) {
	p := journalPath(warehouse, key)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j Journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("erasure journal %s: %w", p, err)
	}
	j.path = p
	if j.FinishedAt != nil {
		return nil, nil
	}
	if j.Done == nil {
		j.Done = map[string]string{}
	}
	if j.Counts == nil {
		j.Counts = map[string]int64{}
	}
	return &j, nil
}

// save writes the journal atomically and durably (temp file, fsync, rename).
func (j *Journal) save() error {
	return durable.WriteJSON(j.path, j)
}

func (j *Journal) done(step string) bool { _, ok := j.Done[step]; return ok }
