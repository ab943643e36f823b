package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/example/pipeline/connectors"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestRedactString(t *testing.T) {
	const pw = "S3cr3t!pw"
	tests := []struct {
		dsn, give string
	}{
		{"postgres://alice:" + pw + "@db.internal:5432/crm", "dial postgres://alice:" + pw + "@db.internal:5432/crm: refused"},
		{"postgres://alice:" + pw + "@db.internal:5432/crm", "something mentions " + pw + " alone"},
		{"host=db user=alice password=" + pw + " dbname=crm", "cannot use host=db user=alice password=" + pw + " dbname=crm"},
		{"host=db password='" + pw + "'", "kv: password='" + pw + "' here"},
		{"", "other postgres://bob:" + pw + "@h/db"},
		{"", "other password=" + pw + " x"},
	}
	for _, tt := range tests {
		got := redactString(tt.give, tt.dsn)
		if contains(got, pw) || (tt.dsn != "" && contains(got, tt.dsn)) {
			t.Errorf("redactString(%q) = %q: leaks", tt.give, got)
		}
	}
}

func TestRedactKeepsSafeCauses(t *testing.T) {
	dsn := "postgres://u:pw123@h/db"
	err := redact(fmt.Errorf("x %s: %w", dsn, context.Canceled), dsn)
	if !errors.Is(err, context.Canceled) || contains(err.Error(), "pw123") {
		t.Fatalf("got %v", err)
	}
	pgErr := &pgconn.PgError{Code: "42P01", Message: "relation does not exist"}
	err = redact(fmt.Errorf("q: %w", pgErr), dsn)
	var got *pgconn.PgError
	if !errors.As(err, &got) || got.Code != "42P01" {
		t.Fatalf("PgError not reachable: %v", err)
	}
}

// TestConnectErrorRedacted connects to a port nothing listens on, with a
// password in the DSN: the error names neither the password nor the DSN,
// and does not unwrap to pgx's ConnectError (which holds the config).
func TestConnectErrorRedacted(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const pw = "hunter2-very-secret"
	dsns := []string{
		"postgres://alice:" + pw + "@" + addr + "/crm?connect_timeout=5",
		"host=127.0.0.1 port=" + strings.Split(addr, ":")[1] + " user=alice password=" + pw + " dbname=crm connect_timeout=5",
	}
	for _, dsn := range dsns {
		opts := connectors.Options{"dsn": dsn, "table": "people"}
		_, err := NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "crm", Options: opts})
		checkRedacted(t, err, dsn, pw)
		_, err = NewSink().Erase(context.Background(), opts, "k")
		checkRedacted(t, err, dsn, pw)
		_, err = NewSink().Write(context.Background(), connectors.WriteRequest{Export: "e", Options: opts,
			Records: peopleReader(1, 1, "k")})
		checkRedacted(t, err, dsn, pw)
	}
}

// TestServerErrorRedacted: errors from a real server (auth, missing
// database) carry no password either.
func TestServerErrorRedacted(t *testing.T) {
	base := testDSN(t)
	cfg, err := pgconn.ParseConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "pa55-word-xyz"
	dsn := fmt.Sprintf("postgres://%s:%s@%s:%d/no_such_db_%s?sslmode=disable", cfg.User, pw, cfg.Host, cfg.Port, "x")
	_, err = NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "crm",
		Options: connectors.Options{"dsn": dsn, "query": "SELECT 1"}})
	checkRedacted(t, err, dsn, pw)
}

func checkRedacted(t *testing.T, err error, dsn, pw string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	msg := fmt.Sprintf("%v %+v %#v", err, err, err)
	if contains(msg, pw) || contains(msg, dsn) {
		t.Fatalf("error leaks the DSN or password: %s", msg)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		t.Fatalf("error unwraps to *pgconn.ConnectError (holds the config)")
	}
	t.Logf("redacted: %v", err)
}
