package main

import (
	"log"
	"net/http"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

func main() {
	tracer.Start(tracer.WithService("orders"))
	defer tracer.Stop()

	r := gin.New()
	r.Use(gin.Recovery())

	api := r.Group("/api")
	api.GET("/orders/:id", getOrder)   // expect: entrypoint-uninstrumented
	api.POST("/orders", createOrder)   // expect: entrypoint-uninstrumented

	if err := r.Run(":8080"); err != nil {
		log.Fatal(err)
	}
}

func getOrder(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
}

func createOrder(c *gin.Context) {
	c.Status(http.StatusCreated)
}
