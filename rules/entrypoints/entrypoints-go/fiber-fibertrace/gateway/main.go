package main

import (
	"github.com/gofiber/fiber/v2"
	fibertrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/gofiber/fiber.v2"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	app := fiber.New()
	app.Use(fibertrace.Middleware(fibertrace.WithServiceName("gateway"))) // expect: entrypoints-go

	app.Get("/status", func(c *fiber.Ctx) error { return c.SendString("ok") }) // expect: entrypoints-go

	api := app.Group("/api")
	api.Get("/carts/:id", getCart)       // expect: entrypoints-go
	api.Post("/carts/:id/items", addItem) // expect: entrypoints-go
	api.All("/proxy/*", proxy)           // expect: entrypoints-go

	app.Listen(":3000")
}

func getCart(c *fiber.Ctx) error {
	// c.Get reads a request header: not a route.
	_ = c.Get("X-Request-Id")
	return c.JSON(fiber.Map{"id": c.Params("id")})
}

func addItem(c *fiber.Ctx) error { return c.SendStatus(201) }
func proxy(c *fiber.Ctx) error   { return c.SendStatus(502) }
