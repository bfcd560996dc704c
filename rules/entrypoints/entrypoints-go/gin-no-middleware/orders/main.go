package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// The tracer is started, but no gintrace middleware is installed: gin requests produce no spans.
func main() {
	tracer.Start(tracer.WithService("orders"))
	defer tracer.Stop()

	r := gin.Default()
	r.Use(gin.Recovery())

	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") }) // expect: entrypoints-go

	v1 := r.Group("/v1")
	{
		v1.GET("/orders/:id", getOrder) // expect: entrypoints-go
		v1.POST("/orders", createOrder) // expect: entrypoints-go
		v1.GET("/orders", func(c *gin.Context) { listOrders(c, 50) }) // expect: entrypoints-go
	}

	if err := r.Run(":8080"); err != nil {
		log.Fatal(err)
	}
}

func getOrder(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
}

// listOrders opens its own span: the route calling it is covered manually.
func listOrders(c *gin.Context, limit int) {
	span, _ := tracer.StartSpanFromContext(c.Request.Context(), "orders.list")
	defer span.Finish()
	c.JSON(http.StatusOK, []string{})
}

func createOrder(c *gin.Context) {
	c.Status(http.StatusCreated)
}
