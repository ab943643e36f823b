package postgres

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// redactedError is an error whose text has been cleaned of the DSN and its
// password. It unwraps only to parts that hold no secret (a context error,
// a server *pgconn.PgError), never to the original pgx error, whose
// *pgconn.ConnectError carries the full connection config.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

var (
	// urlPassword matches the password of a URL-form DSN: scheme://user:PASSWORD@
	urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	// kvPassword matches password=... in a keyword/value DSN, quoted or not.
	kvPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]*)`)
)

// redact returns err with the DSN and any password removed from its text.
// It is the only way errors from pgx leave this package: every exported
// method passes its errors through it. A nil err gives nil.
func redact(err error, dsn string) error {
	if err == nil {
		return nil
	}
	var already *redactedError
	if errors.As(err, &already) && already == err {
		return err
	}
	msg := redactString(err.Error(), dsn)
	var cause error
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, context.Canceled):
		cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		cause = context.DeadlineExceeded
	case errors.As(err, &pgErr):
		cause = pgErr // server errors carry SQLSTATE and text, never the DSN
	}
	return &redactedError{msg: msg, cause: cause}
}

// redactString removes dsn, its password (as parsed by pgx) and anything
// that looks like a password from s.
func redactString(s, dsn string) string {
	if dsn != "" {
		s = strings.ReplaceAll(s, dsn, "[dsn redacted]")
		if cfg, err := pgconn.ParseConfig(dsn); err == nil && cfg.Password != "" {
			s = strings.ReplaceAll(s, cfg.Password, "[redacted]")
		}
	}
	s = urlPassword.ReplaceAllString(s, "${1}[redacted]@")
	s = kvPassword.ReplaceAllString(s, "${1}[redacted]")
	return s
}

// parseDSN parses dsn with pgx. Its error never quotes the DSN: pgx's own
// parse errors echo the (best-effort redacted) connection string.
func parseDSN(dsn string) (*pgconn.Config, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("cannot parse the connection string (not shown: it is secret); " +
			"use postgres://user:password@host:port/db or key=value form")
	}
	return cfg, nil
}
