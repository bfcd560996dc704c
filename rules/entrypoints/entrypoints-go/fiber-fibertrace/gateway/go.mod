module github.com/acme/gateway

go 1.22

require (
	github.com/gofiber/fiber/v2 v2.52.0
	gopkg.in/DataDog/dd-trace-go.v1 v1.65.0
)
