package suppress_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/suppress"
	"github.com/example/pipeline/pipeline/warehouse"
)

func TestObjectionsArePermanent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	email := mustValue(t, suppress.Email, "objector@acme-widgets.co.uk")
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO suppression VALUES ('email', $1, NULL, 'objection', 'objections', now(), 'sync', NULL, NULL)`, email.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Object(ctx, email, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range []suppress.RemoveRequest{{Value: email}, {Value: email, Reason: "objection"}, {Value: email, Source: "manual"}} {
		if _, err := s.Remove(ctx, r); !errors.Is(err, suppress.ErrPermanent) {
			t.Errorf("Remove(%+v) = %v, want ErrPermanent", r, err)
		}
	}
	exp := time.Now().Add(48 * time.Hour)
	if _, err := s.Add(ctx, suppress.AddRequest{Value: email, Reason: "objection", Source: "letters", Expires: &exp}); !errors.Is(err, suppress.ErrPermanent) {
		t.Errorf("Add(objection, expires) = %v, want ErrPermanent", err)
	}
	if _, err := s.Unobject(ctx, email, ""); !errors.Is(err, suppress.ErrUsage) {
		t.Errorf("Unobject without evidence = %v, want ErrUsage", err)
	}
	if _, err := s.Unobject(ctx, email, "call from +44 20 7946 0000"); !errors.Is(err, suppress.ErrUsage) {
		t.Errorf("Unobject with a phone in the evidence = %v, want ErrUsage", err)
	}
	if why := scrubPending(t, s); len(why) != 0 {
		t.Fatalf("scrub_pending before Unobject: %q", why)
	}
	res, err := s.Unobject(ctx, email, "letter of 2027-01-05")
	if err != nil || res.Removed != 2 || len(res.Synced) != 1 || res.Synced[0] != "objections" {
		t.Fatalf("Unobject = %+v %v", res, err)
	}
	if d, _ := s.Check(ctx, email); d.Suppressed {
		t.Errorf("still suppressed after unobject: %+v", d)
	}
	if why := scrubPending(t, s); len(why) != 1 || why[0] != warehouse.ScrubSuppressionDeleted {
		t.Errorf("scrub_pending after Unobject: %q", why)
	}
}
