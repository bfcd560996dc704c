package main

import (
	"net/http"

	"github.com/gorilla/mux"
	muxtrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/gorilla/mux"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	r := muxtrace.NewRouter(muxtrace.WithServiceName("accounts")) // expect: entrypoints-go
	r.HandleFunc("/accounts/{id}", getAccount).Methods("GET")      // expect: entrypoints-go
	r.HandleFunc("/accounts", createAccount).Methods(http.MethodPost, "PUT") // expect: entrypoints-go

	api := r.PathPrefix("/api/v1").Subrouter()
	api.HandleFunc("/balance/{id}", balance).Methods("GET") // expect: entrypoints-go

	// Plain gorilla router for the internal port: not traced.
	internal := mux.NewRouter()
	internal.Handle("/ready", http.HandlerFunc(ready)) // expect: entrypoints-go

	go http.ListenAndServe(":9090", internal)
	http.ListenAndServe(":8080", r)
}

func getAccount(w http.ResponseWriter, r *http.Request)    {}
func createAccount(w http.ResponseWriter, r *http.Request) {}
func balance(w http.ResponseWriter, r *http.Request)       {}
func ready(w http.ResponseWriter, r *http.Request)         {}
