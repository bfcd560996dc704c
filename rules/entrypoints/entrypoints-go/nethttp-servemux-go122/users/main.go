package main

import (
	"encoding/json"
	"log"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type api struct{ store map[string]string }

func main() {
	tracer.Start(tracer.WithService("users"))
	defer tracer.Stop()

	a := &api{store: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", a.getUser)         // expect: entrypoints-go
	mux.HandleFunc("POST /users", a.createUser)          // expect: entrypoints-go
	mux.Handle("/static/", http.FileServer(http.Dir("static"))) // expect: entrypoints-go
	http.HandleFunc("/healthz", healthz)                 // expect: entrypoints-go

	go http.ListenAndServe(":8081", nil)
	log.Fatal(http.ListenAndServe(":8080", mux))
}

func (a *api) getUser(w http.ResponseWriter, r *http.Request) {
	span, _ := tracer.StartSpanFromContext(r.Context(), "users.get")
	defer span.Finish()
	json.NewEncoder(w).Encode(a.store[r.PathValue("id")])
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
}

func healthz(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }
