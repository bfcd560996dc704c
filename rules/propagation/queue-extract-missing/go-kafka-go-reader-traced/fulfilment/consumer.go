package main

import (
	"context"
	"log"

	kafkatrace "github.com/DataDog/dd-trace-go/contrib/segmentio/kafka-go/v2"
	"github.com/segmentio/kafka-go"
)

func consume(ctx context.Context) error {
	r := kafkatrace.NewReader(kafka.ReaderConfig{
		Brokers: []string{"kafka:9092"},
		GroupID: "fulfilment",
		Topic:   "orders.placed",
	})
	defer r.Close()
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return err
		}
		log.Printf("ship %s", m.Key)
		if err := r.CommitMessages(ctx, m); err != nil {
			return err
		}
	}
}
