package ledger

import (
	"context"
	"database/sql"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Store struct{ db *sql.DB }

// Balance finishes its span on the happy path only: a failed Scan returns with the span open.
func (s *Store) Balance(ctx context.Context, account string) (int64, error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.balance") // expect: span-not-finished
	var cents int64
	row := s.db.QueryRowContext(ctx, "SELECT cents FROM balances WHERE account = $1", account)
	if err := row.Scan(&cents); err != nil {
		return 0, err
	}
	span.Finish()
	return cents, nil
}

// Audit never finishes its span.
func (s *Store) Audit(ctx context.Context, entry string) error {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.audit") // expect: span-not-finished
	span.SetTag("audit.kind", entry)
	_, err := s.db.ExecContext(ctx, "INSERT INTO audit(entry) VALUES ($1)", entry)
	return err
}

// Warm throws the span away and keeps only the context.
func (s *Store) Warm(ctx context.Context) error {
	_, ctx = tracer.StartSpanFromContext(ctx, "ledger.warm") // expect: span-not-finished
	return s.db.PingContext(ctx)
}

// Compact finishes inside the loop only when it stops early; falling out of the loop leaks it.
func (s *Store) Compact(ctx context.Context, accounts []string) {
	span := tracer.StartSpan("ledger.compact") // expect: span-not-finished
	for _, a := range accounts {
		if _, err := s.db.ExecContext(ctx, "VACUUM balances_"+a); err != nil {
			span.Finish(tracer.WithError(err))
			return
		}
	}
}
