package main

import (
	"encoding/json"
	"log"
	"net/http"

	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func quote(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"carrier": "ups", "cents": 799})
}

func main() {
	if err := tracer.Start(tracer.WithService("shipping"), tracer.WithRuntimeMetrics()); err != nil {
		log.Fatal(err)
	}
	defer tracer.Stop()

	mux := httptrace.NewServeMux()
	mux.HandleFunc("/quote", quote)
	log.Fatal(http.ListenAndServe(":8080", mux))
}
