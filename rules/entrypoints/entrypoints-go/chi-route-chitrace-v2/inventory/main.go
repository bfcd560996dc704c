package main

import (
	"net/http"

	chitrace "github.com/DataDog/dd-trace-go/contrib/go-chi/chi.v5/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(chitrace.Middleware(chitrace.WithService("inventory"))) // expect: entrypoints-go

	r.Get("/", index) // expect: entrypoints-go
	r.Route("/items", func(r chi.Router) {
		r.Get("/", listItems)       // expect: entrypoints-go
		r.Post("/", createItem)     // expect: entrypoints-go
		r.Route("/{itemID}", func(r chi.Router) {
			r.Get("/", getItem)       // expect: entrypoints-go
			r.Delete("/", deleteItem) // expect: entrypoints-go
		})
	})
	r.Method(http.MethodPut, "/stock/{sku}", http.HandlerFunc(setStock)) // expect: entrypoints-go

	http.ListenAndServe(":3000", r)
}

func index(w http.ResponseWriter, r *http.Request)      {}
func listItems(w http.ResponseWriter, r *http.Request)  {}
func createItem(w http.ResponseWriter, r *http.Request) {}
func getItem(w http.ResponseWriter, r *http.Request)    {}
func deleteItem(w http.ResponseWriter, r *http.Request) {}
func setStock(w http.ResponseWriter, r *http.Request)   {}
