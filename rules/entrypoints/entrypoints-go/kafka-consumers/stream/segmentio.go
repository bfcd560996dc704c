package main

import (
	"context"
	"log"

	"github.com/segmentio/kafka-go"
	kafkatrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/segmentio/kafka.go.v0"
)

func runSegmentio(ctx context.Context) {
	plain := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{"kafka:9092"}, GroupID: "stream", Topic: "shipments"}) // expect: entrypoints-go
	defer plain.Close()

	traced := kafkatrace.NewReader(kafka.ReaderConfig{ // expect: entrypoints-go
		Brokers: []string{"kafka:9092"},
		GroupID: "stream",
		Topic:   "refunds",
	})
	defer traced.Close()

	for {
		m, err := traced.ReadMessage(ctx)
		if err != nil {
			log.Print(err)
			return
		}
		log.Printf("refund %s", m.Value)
	}
}
