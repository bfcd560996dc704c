package main

import (
	"fmt"
	"log"
	"net/http"

	gintrace "github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2"
	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

// flagErrors marks the request span as failed for every status from 400 up.
func flagErrors(c *gin.Context) {
	c.Next()
	span, ok := tracer.SpanFromContext(c.Request.Context())
	if ok && c.Writer.Status() >= http.StatusBadRequest {
		span.SetTag(ext.Error, fmt.Errorf("answered %d", c.Writer.Status())) // expect: error-on-client-status
	}
}

func main() {
	tracer.Start()
	defer tracer.Stop()

	r := gin.New()
	r.Use(gintrace.Middleware("partners"), flagErrors)
	r.GET("/partners/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })

	mux := httptrace.NewServeMux(httptrace.WithStatusCheck(func(statusCode int) bool { return statusCode >= 400 })) // expect: error-on-client-status
	mux.Handle("/", r)
	log.Fatal(http.ListenAndServe(":8080", mux))
}
