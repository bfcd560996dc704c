package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The router comes from main.go, where the middleware is installed.
func registerRoutes(r *gin.Engine) {
	products := r.Group("/products")
	products.GET("", listProducts)     // expect: entrypoints-go
	products.GET("/:sku", getProduct)  // expect: entrypoints-go
}

func listProducts(c *gin.Context) { c.Status(http.StatusOK) }
func getProduct(c *gin.Context)   { c.Status(http.StatusOK) }
