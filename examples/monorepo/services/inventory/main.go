// Command inventory serves stock levels and reservations for the storefront and checkout.
package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	gintrace "github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	// Service, env and version come from DD_SERVICE / DD_ENV / DD_VERSION.
	tracer.Start(tracer.WithRuntimeMetrics())
	defer tracer.Stop()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	pool, err := pgxpool.New(ctx, os.Getenv("INVENTORY_DATABASE_URL"))
	if err != nil {
		log.Fatalf("connect to database: %v", err)
	}
	defer pool.Close()

	r := gin.New()
	r.Use(gin.Recovery(), gintrace.Middleware("inventory"))
	h := &handlers{stock: &stockStore{pool: pool}}
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/stock/:sku", h.getStock)
	r.POST("/reservations", h.reserve)
	r.DELETE("/reservations/:id", h.release)

	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("listen: %v", err)
		}
	}()

	// gRPC API for shipping (warehouse lookups).
	grpcSrv := newGRPCServer(h.stock)
	lis, err := net.Listen("tcp", ":9090")
	if err != nil {
		log.Fatalf("listen grpc: %v", err)
	}
	go func() {
		if err := grpcSrv.Serve(lis); err != nil {
			log.Fatalf("serve grpc: %v", err)
		}
	}()

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	grpcSrv.GracefulStop()
	_ = srv.Shutdown(shutdown)
}
