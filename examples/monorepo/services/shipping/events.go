package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/segmentio/kafka-go"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type shippedEvent struct {
	OrderID        string `json:"orderId"`
	CustomerEmail  string `json:"customerEmail"`
	TrackingNumber string `json:"trackingNumber"`
	TotalCents     int    `json:"totalCents"`
	Currency       string `json:"currency"`
}

// shipmentEvents publishes order lifecycle events for the notifications service.
type shipmentEvents struct {
	writer *kafka.Writer
}

func newShipmentEvents(brokers []string) *shipmentEvents {
	if len(brokers) == 0 || brokers[0] == "" {
		return &shipmentEvents{}
	}
	return &shipmentEvents{writer: &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        "orders.shipped",
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 50 * time.Millisecond,
	}}
}

func (e *shipmentEvents) Shipped(ctx context.Context, ev shippedEvent) error {
	span, ctx := tracer.StartSpanFromContext(ctx, "shipment.publish", tracer.ResourceName("orders.shipped"))
	if e.writer == nil {
		// Publishing is off when KAFKA_BROKERS is unset (local development).
		return nil
	}
	value, err := json.Marshal(ev)
	if err != nil {
		span.Finish(tracer.WithError(err))
		return err
	}
	err = e.writer.WriteMessages(ctx, kafka.Message{Key: []byte(ev.OrderID), Value: value})
	span.Finish(tracer.WithError(err))
	return err
}

func (e *shipmentEvents) Close() error {
	if e.writer == nil {
		return nil
	}
	return e.writer.Close()
}
