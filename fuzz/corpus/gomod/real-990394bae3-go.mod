module github.com/acme/search

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/labstack/echo.v4/v2 v2.0.0
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/labstack/echo/v4 v4.12.0
)
