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

// flagErrors marks the request span as failed for server errors only.
func flagErrors(c *gin.Context) {
	c.Next()
	span, ok := tracer.SpanFromContext(c.Request.Context())
	if ok && c.Writer.Status() >= http.StatusInternalServerError {
		span.SetTag(ext.Error, fmt.Errorf("answered %d", c.Writer.Status()))
	}
}

// callPartner is an outbound call: a 4xx from the partner is an error of this call.
func callPartner(r *http.Request, url string) (*http.Response, error) {
	span, ctx := tracer.StartSpanFromContext(r.Context(), "partners.call")
	defer span.Finish()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		span.SetTag(ext.Error, err)
		return nil, err
	}
	if resp.StatusCode >= http.StatusBadRequest {
		span.SetTag(ext.Error, fmt.Errorf("partner returned %d", resp.StatusCode))
	}
	return resp, nil
}

func main() {
	tracer.Start()
	defer tracer.Stop()

	r := gin.New()
	r.Use(gintrace.Middleware("partners"), flagErrors)
	r.GET("/partners/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })

	mux := httptrace.NewServeMux(httptrace.WithStatusCheck(func(statusCode int) bool { return statusCode >= 500 && statusCode != 503 }))
	mux.Handle("/", r)
	log.Fatal(http.ListenAndServe(":8080", mux))
}
