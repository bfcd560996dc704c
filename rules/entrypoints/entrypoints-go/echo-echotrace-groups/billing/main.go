package main

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echotrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/labstack/echo.v4"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	e := echo.New()
	e.Use(middleware.Logger())
	e.Use(echotrace.Middleware(echotrace.WithServiceName("billing"))) // expect: entrypoints-go

	e.GET("/invoices/:id", getInvoice) // expect: entrypoints-go

	g := e.Group("/admin", middleware.BasicAuth(check))
	g.POST("/invoices/:id/void", voidInvoice) // expect: entrypoints-go
	g.Add(http.MethodDelete, "/invoices/:id", deleteInvoice) // expect: entrypoints-go

	e.Logger.Fatal(e.Start(":1323"))
}

func getInvoice(c echo.Context) error {
	span, _ := tracer.StartSpanFromContext(c.Request().Context(), "invoice.lookup")
	defer span.Finish()
	return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")})
}

func voidInvoice(c echo.Context) error   { return c.NoContent(http.StatusOK) }
func deleteInvoice(c echo.Context) error { return c.NoContent(http.StatusNoContent) }

func check(u, p string, c echo.Context) (bool, error) { return u == "admin", nil }
