package main

import (
	"net/http"

	httptrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	mux := httptrace.NewServeMux(httptrace.WithServiceName("catalog")) // expect: entrypoints-go
	mux.HandleFunc("/products", listProducts)                          // expect: entrypoints-go
	mux.HandleFunc("/products/", getProduct)                           // expect: entrypoints-go

	internal := http.NewServeMux()
	internal.Handle("/metrics", httptrace.WrapHandler(http.HandlerFunc(metrics), "catalog", "/metrics")) // expect: entrypoints-go
	internal.HandleFunc("/debug", debug)                                                                // expect: entrypoints-go

	legacy := http.NewServeMux()
	legacy.HandleFunc("/v0/products", listProducts) // expect: entrypoints-go

	go http.ListenAndServe(":9000", internal)
	go http.ListenAndServe(":7000", httptrace.WrapHandler(legacy, "catalog", "legacy")) // expect: entrypoints-go
	http.ListenAndServe(":8080", mux)
}

func listProducts(w http.ResponseWriter, r *http.Request) {}
func getProduct(w http.ResponseWriter, r *http.Request)   {}
func metrics(w http.ResponseWriter, r *http.Request)      {}
func debug(w http.ResponseWriter, r *http.Request)        {}
