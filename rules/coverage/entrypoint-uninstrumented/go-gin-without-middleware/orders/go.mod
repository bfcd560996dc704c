module github.com/acme/orders

go 1.22

require (
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/gin-gonic/gin v1.10.0
)
