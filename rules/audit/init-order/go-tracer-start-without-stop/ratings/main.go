package main

import (
	"log"
	"net/http"
	"os"

	chitrace "github.com/DataDog/dd-trace-go/contrib/go-chi/chi.v5/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/go-chi/chi/v5"
)

func main() {
	tracer.Start(tracer.WithService("ratings"), tracer.WithEnv(os.Getenv("DD_ENV"))) // expect: init-order

	r := chi.NewRouter()
	r.Use(chitrace.Middleware(chitrace.WithService("ratings")))
	r.Get("/ratings/{sku}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"stars":4.5}`))
	})
	log.Fatal(http.ListenAndServe(":8080", r))
}
