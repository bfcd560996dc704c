module github.com/acme/accounts

go 1.21

require (
	github.com/gorilla/mux v1.8.1
	gopkg.in/DataDog/dd-trace-go.v1 v1.60.0
)
