package main

import (
	"net/http"

	ginmw "github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
)

func main() {
	tracer.Start()
	defer tracer.Stop()

	public := gin.New()
	public.Use(ginmw.Middleware("api")) // expect: entrypoints-go
	api := public.Group("/api/v2")
	api.GET("/users/:id", getUser)           // expect: entrypoints-go
	api.PUT("/users/:id", updateUser)        // expect: entrypoints-go
	api.Handle("PATCH", "/users/:id", patch) // expect: entrypoints-go
	api.Any("/echo", echoHandler)            // expect: entrypoints-go

	// The admin router is served on another port without the middleware.
	admin := gin.New()
	admin.GET("/debug/vars", vars) // expect: entrypoints-go

	go admin.Run(":9090")
	public.Run(":8080")
}

func getUser(c *gin.Context)     { c.Status(http.StatusOK) }
func updateUser(c *gin.Context)  { c.Status(http.StatusOK) }
func patch(c *gin.Context)       { c.Status(http.StatusOK) }
func echoHandler(c *gin.Context) { c.Status(http.StatusOK) }
func vars(c *gin.Context)        { c.Status(http.StatusOK) }
