package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"log"
	"net/http"
	"time"

	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Order struct {
	ID     string  `json:"id"`
	Amount float64 `json:"amount"`
}

type server struct {
	db *sql.DB
}

func (s *server) createOrder(w http.ResponseWriter, r *http.Request) {
	var o Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// Detached from cancellation, still carrying the request's span.
	ctx := context.WithoutCancel(r.Context())
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "INSERT INTO audit(order_id) VALUES ($1)", o.ID); err != nil {
			log.Printf("audit: %v", err)
		}
	}()
	go s.publish(ctx, o)
	w.WriteHeader(http.StatusAccepted)
}

func (s *server) publish(ctx context.Context, o Order) {
	span, ctx := tracer.StartSpanFromContext(ctx, "orders.publish")
	defer span.Finish()
	_, _ = s.db.ExecContext(ctx, "INSERT INTO outbox(order_id) VALUES ($1)", o.ID)
}

// purgeExpired runs for the life of the process: a fresh root context is right here.
func (s *server) purgeExpired() {
	for range time.Tick(time.Minute) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, _ = s.db.ExecContext(ctx, "DELETE FROM orders WHERE expires_at < now()")
		cancel()
	}
}

// serve stops the server when ctx is cancelled: the shutdown deadline needs a fresh context.
func serve(ctx context.Context, srv *http.Server) error {
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	return srv.ListenAndServe()
}

func main() {
	tracer.Start(tracer.WithService("orders"))
	defer tracer.Stop()
	db, err := sql.Open("postgres", "postgres://orders@db/orders")
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db}
	go s.purgeExpired()
	go func() {
		<-context.Background().Done()
	}()
	mux := httptrace.NewServeMux()
	mux.HandleFunc("/orders", s.createOrder)
	log.Fatal(serve(context.Background(), &http.Server{Addr: ":8080", Handler: mux}))
}
