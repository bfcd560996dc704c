package main

import (
	"log"
	"net/http"

	"github.com/acme/ratings/internal/telemetry"
	"github.com/go-chi/chi/v5"
)

var version = "dev"

func main() {
	stop := telemetry.Start("ratings", version)
	defer stop()

	r := chi.NewRouter()
	log.Fatal(http.ListenAndServe(":8080", r))
}
