package main

import (
	"github.com/gin-gonic/gin"
	gintrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/gin-gonic/gin"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	router := gin.New()
	router.Use(gintrace.Middleware("catalog")) // expect: entrypoints-go
	registerRoutes(router)
	router.Run(":8080")
}
