package main

import (
	"log"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func main() {
	if err := tracer.Start(tracer.WithService("orders")); err != nil {
		log.Fatal(err)
	}
	defer tracer.Stop()
}
