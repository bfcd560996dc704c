package main

import (
	"log"
	"net/http"

	chitrace "github.com/DataDog/dd-trace-go/contrib/go-chi/chi.v5/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/go-chi/chi/v5"
)

func main() {
	if err := tracer.Start(tracer.WithService("ratings")); err != nil {
		log.Fatalf("start tracer: %v", err)
	}
	defer tracer.Stop()

	r := chi.NewRouter()
	r.Use(chitrace.Middleware())
	r.Get("/ratings/{sku}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"stars":4.5}`))
	})
	log.Fatal(http.ListenAndServe(":8080", r))
}
