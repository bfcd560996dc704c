// Command shipping quotes shipping rates and creates shipping labels.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echotrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/labstack/echo.v4"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start(
		tracer.WithService("shipping"),
		tracer.WithServiceVersion(os.Getenv("DD_VERSION")),
	)

	e := echo.New()
	e.HideBanner = true
	e.Use(middleware.Recover(), echotrace.Middleware())

	carriers := newCarrierClient(os.Getenv("CARRIER_API_URL"), os.Getenv("CARRIER_API_KEY"))
	e.GET("/healthz", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.POST("/quotes", quoteHandler(carriers))
	e.POST("/labels", labelHandler(carriers))

	log.Fatal(e.Start(":8080"))
}
