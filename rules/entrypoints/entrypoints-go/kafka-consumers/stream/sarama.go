package main

import (
	"context"
	"log"

	"github.com/IBM/sarama"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type orderHandler struct{}

func (orderHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (orderHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h orderHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		span := tracer.StartSpan("orders.consume")
		log.Printf("order %s", msg.Value)
		sess.MarkMessage(msg, "")
		span.Finish()
	}
	return nil
}

func runSarama(ctx context.Context, brokers []string) {
	group, err := sarama.NewConsumerGroup(brokers, "stream", sarama.NewConfig())
	if err != nil {
		log.Fatal(err)
	}
	for {
		if err := group.Consume(ctx, []string{"orders", "orders-retry"}, orderHandler{}); err != nil { // expect: entrypoints-go
			log.Print(err)
		}
	}
}
