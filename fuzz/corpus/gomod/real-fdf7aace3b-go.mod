module github.com/acme/ratings

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/go-chi/chi.v5/v2 v2.0.0
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/go-chi/chi/v5 v5.0.12
)
