module github.com/acme/checkout

go 1.22

require (
	github.com/DataDog/dd-trace-go/contrib/net/http/v2 v2.1.0
	github.com/DataDog/dd-trace-go/v2 v2.1.0
)
