package main

import (
	"log"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func main() {
	tracer.Start(tracer.WithService("inventory"))
	defer tracer.Stop()
	pricing := newPricingClient("http://pricing:8080")
	http.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		p, err := pricing.Price(r.Context(), r.URL.Query().Get("sku"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		log.Printf("price %d", p.Cents)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
