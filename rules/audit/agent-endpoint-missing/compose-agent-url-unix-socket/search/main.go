package main

import (
	"log"

	echotrace "github.com/DataDog/dd-trace-go/contrib/labstack/echo.v4/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/labstack/echo/v4"
)

func main() {
	if err := tracer.Start(); err != nil {
		log.Fatal(err)
	}
	defer tracer.Stop()

	e := echo.New()
	e.Use(echotrace.Middleware())
	log.Fatal(e.Start(":8080"))
}
