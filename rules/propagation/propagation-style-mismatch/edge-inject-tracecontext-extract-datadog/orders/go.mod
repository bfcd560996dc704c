module github.com/acme/orders

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/net/http/v2 v2.1.0
	github.com/DataDog/dd-trace-go/v2 v2.1.0
)
