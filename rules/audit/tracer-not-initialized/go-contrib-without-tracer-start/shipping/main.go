package main

import (
	"encoding/json"
	"log"
	"net/http"

	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
)

func quote(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"carrier": "ups", "cents": 799})
}

func main() {
	mux := httptrace.NewServeMux()
	mux.HandleFunc("/quote", quote)
	log.Fatal(http.ListenAndServe(":8080", mux))
}
