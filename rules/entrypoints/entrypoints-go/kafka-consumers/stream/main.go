package main

import (
	"context"

	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func main() {
	tracer.Start(tracer.WithService("stream"))
	defer tracer.Stop()

	ctx := context.Background()
	go runSarama(ctx, []string{"kafka:9092"})
	go runConfluent()
	runSegmentio(ctx)
}
