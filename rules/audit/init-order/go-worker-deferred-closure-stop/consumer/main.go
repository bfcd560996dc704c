package main

import (
	"context"
	"log"
	"os/signal"
	"syscall"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Consumer struct{ topic string }

func (c *Consumer) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer cancel()

	if err := tracer.Start(tracer.WithService("consumer")); err != nil {
		log.Fatal(err)
	}
	defer func() {
		tracer.Flush()
		tracer.Stop()
	}()

	c := &Consumer{topic: "orders"}
	if err := c.Run(ctx); err != nil {
		log.Print(err)
	}
}
