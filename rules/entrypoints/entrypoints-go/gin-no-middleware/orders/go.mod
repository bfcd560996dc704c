module github.com/acme/orders

go 1.22

require (
	github.com/gin-gonic/gin v1.9.1
	gopkg.in/DataDog/dd-trace-go.v1 v1.64.0
)
