package main

import (
	"context"
	"log"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	amqp "github.com/rabbitmq/amqp091-go"
)

type headersCarrier amqp.Table

func (c headersCarrier) Set(key, val string) { c[key] = val }

func (c headersCarrier) ForeachKey(handler func(key, val string) error) error {
	for k, v := range c {
		if s, ok := v.(string); ok {
			if err := handler(k, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func run(ctx context.Context, ch *amqp.Channel) error {
	deliveries, err := ch.ConsumeWithContext(ctx, "emails", "mailer", false, false, false, false, nil)
	if err != nil {
		return err
	}
	for d := range deliveries {
		opts := []tracer.StartSpanOption{tracer.ResourceName("emails")}
		if parent, err := tracer.Extract(headersCarrier(d.Headers)); err == nil {
			opts = append(opts, tracer.ChildOf(parent))
		}
		span := tracer.StartSpan("amqp.consume", opts...)
		log.Printf("sending %s", d.MessageId)
		_ = d.Ack(false)
		span.Finish()
	}
	return nil
}
