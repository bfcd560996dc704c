package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	pool, err := pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	r := gin.Default()
	r.GET("/items/:sku", func(c *gin.Context) {
		var qty int
		err := pool.QueryRow(c, "SELECT qty FROM stock WHERE sku = $1", c.Param("sku")).Scan(&qty)
		if err != nil {
			c.JSON(http.StatusNotFound, gin.H{"error": "unknown sku"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"sku": c.Param("sku"), "qty": qty})
	})
	log.Fatal(r.Run(":8080"))
}
