package main

import (
	"context"
	"log"

	kafkatrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/segmentio/kafka.go.v0"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
	"github.com/segmentio/kafka-go"
)

func main() {
	tracer.Start(tracer.WithService("events"))
	defer tracer.Stop()

	r := kafkatrace.NewReader(kafka.ReaderConfig{Brokers: []string{"kafka:9092"}, Topic: "events", GroupID: "events"})
	defer r.Close()
	for {
		m, err := r.ReadMessage(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("event %s", m.Key)
	}
}
