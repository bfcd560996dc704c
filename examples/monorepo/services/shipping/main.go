// Command shipping quotes shipping rates and creates shipping labels.
package main

import (
	"log"
	"net/http"
	"os"
	"strings"

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
	warehouses, err := newWarehouseClient()
	if err != nil {
		log.Fatalf("inventory client: %v", err)
	}
	events := newShipmentEvents(strings.Split(os.Getenv("KAFKA_BROKERS"), ","))
	defer events.Close()

	e.GET("/healthz", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.POST("/quotes", quoteHandler(carriers))
	e.POST("/labels", labelHandler(carriers, warehouses, events))

	go startAdmin(carriers)
	log.Fatal(e.Start(":8080"))
}
