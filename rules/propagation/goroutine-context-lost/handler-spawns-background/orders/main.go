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
	go func() { // expect: goroutine-context-lost
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "INSERT INTO audit(order_id) VALUES ($1)", o.ID); err != nil {
			log.Printf("audit: %v", err)
		}
	}()
	go s.publish(context.TODO(), o) // expect: goroutine-context-lost
	go s.sendReceipt(o)             // expect: goroutine-context-lost
	w.WriteHeader(http.StatusAccepted)
}

func (s *server) publish(ctx context.Context, o Order) {
	span, ctx := tracer.StartSpanFromContext(ctx, "orders.publish")
	defer span.Finish()
	_, _ = s.db.ExecContext(ctx, "INSERT INTO outbox(order_id) VALUES ($1)", o.ID)
}

// sendReceipt builds its own context: whatever it calls is a new trace.
func (s *server) sendReceipt(o Order) {
	ctx := context.Background()
	span, _ := tracer.StartSpanFromContext(ctx, "orders.receipt")
	defer span.Finish()
	log.Printf("receipt for %s", o.ID)
}

func main() {
	tracer.Start(tracer.WithService("orders"))
	defer tracer.Stop()
	db, err := sql.Open("postgres", "postgres://orders@db/orders")
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db}
	mux := httptrace.NewServeMux()
	mux.HandleFunc("/orders", s.createOrder)
	log.Fatal(http.ListenAndServe(":8080", mux))
}
