package main

import (
	"context"
	"log"

	kafkatrace "github.com/DataDog/dd-trace-go/contrib/segmentio/kafka-go/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/segmentio/kafka-go"
)

func main() {
	if err := tracer.Start(tracer.WithService("events")); err != nil {
		log.Fatal(err)
	}
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
