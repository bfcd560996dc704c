package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	gintrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/gin-gonic/gin"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start(tracer.WithService("orders"))
	defer tracer.Stop()

	r := gin.New()
	r.Use(gintrace.Middleware("orders")) // expect: entrypoints-go

	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") }) // expect: entrypoints-go

	v1 := r.Group("/v1")
	{
		v1.GET("/orders/:id", getOrder)   // expect: entrypoints-go
		v1.POST("/orders", createOrder)   // expect: entrypoints-go
		admin := v1.Group("/admin")
		admin.DELETE("/orders/:id", authRequired(), deleteOrder) // expect: entrypoints-go
	}

	if err := r.Run(":8080"); err != nil {
		log.Fatal(err)
	}
}

func getOrder(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
}

func createOrder(c *gin.Context) {
	span, ctx := tracer.StartSpanFromContext(c.Request.Context(), "orders.create")
	defer span.Finish()
	_ = ctx
	c.Status(http.StatusCreated)
}

func deleteOrder(c *gin.Context) {
	c.Status(http.StatusNoContent)
}

func authRequired() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") == "" {
			c.AbortWithStatus(http.StatusUnauthorized)
		}
	}
}
