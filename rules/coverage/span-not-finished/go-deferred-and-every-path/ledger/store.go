package ledger

import (
	"context"
	"database/sql"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Store struct{ db *sql.DB }

func (s *Store) Balance(ctx context.Context, account string) (int64, error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.balance")
	defer span.Finish()
	var cents int64
	row := s.db.QueryRowContext(ctx, "SELECT cents FROM balances WHERE account = $1", account)
	if err := row.Scan(&cents); err != nil {
		return 0, err
	}
	return cents, nil
}

func (s *Store) Transfer(ctx context.Context, from, to string, cents int64) (err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.transfer")
	defer func() { span.Finish(tracer.WithError(err)) }()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err = tx.ExecContext(ctx, "UPDATE balances SET cents = cents - $1 WHERE account = $2", cents, from); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, "UPDATE balances SET cents = cents + $1 WHERE account = $2", cents, to); err != nil {
		return err
	}
	return tx.Commit()
}

// Audit finishes the span explicitly on both paths.
func (s *Store) Audit(ctx context.Context, entry string) error {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.audit")
	_, err := s.db.ExecContext(ctx, "INSERT INTO audit(entry) VALUES ($1)", entry)
	if err != nil {
		span.Finish(tracer.WithError(err))
		return err
	}
	span.Finish()
	return nil
}

// startOp hands the span to its caller, which finishes it.
func startOp(ctx context.Context, name string) (*tracer.Span, context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, name)
	span.SetTag("component", "ledger")
	return span, ctx
}

// Refresh finishes the span in the goroutine that does the work.
func (s *Store) Refresh(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.refresh")
	go func() {
		defer span.Finish()
		s.db.PingContext(ctx)
	}()
}

func (s *Store) Compact(ctx context.Context, accounts []string) {
	span := tracer.StartSpan("ledger.compact")
	for _, a := range accounts {
		if _, err := s.db.ExecContext(ctx, "VACUUM balances_"+a); err != nil {
			span.Finish(tracer.WithError(err))
			return
		}
	}
	span.Finish()
}
