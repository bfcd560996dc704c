package main

import (
	"log"
	"net/http"

	gintrace "github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

func main() {
	tracer.Start(tracer.WithService("inventory"))
	defer tracer.Stop()

	r := gin.New()
	r.Use(gintrace.Middleware("inventory"))
	r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	log.Fatal(r.Run(":8080"))
}
