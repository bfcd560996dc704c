module github.com/acme/billing

go 1.21

require (
	github.com/labstack/echo/v4 v4.11.4
	gopkg.in/DataDog/dd-trace-go.v1 v1.63.1
)
