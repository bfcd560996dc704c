package main

import (
	"context"
	"encoding/json"
	"log"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/IBM/sarama"
)

type OrderPlaced struct {
	OrderID string `json:"order_id"`
}

type handler struct{}

func (handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() { // expect: queue-extract-missing
		span, _ := tracer.StartSpanFromContext(sess.Context(), "fulfilment.ship")
		var o OrderPlaced
		if err := json.Unmarshal(msg.Value, &o); err != nil {
			log.Printf("bad message: %v", err)
		}
		sess.MarkMessage(msg, "")
		span.Finish()
	}
	return nil
}

func consume(ctx context.Context, brokers []string) error {
	group, err := sarama.NewConsumerGroup(brokers, "fulfilment", sarama.NewConfig())
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		if err := group.Consume(ctx, []string{"orders.placed"}, handler{}); err != nil {
			return err
		}
	}
	return nil
}
