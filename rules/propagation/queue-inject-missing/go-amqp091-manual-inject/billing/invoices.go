package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	amqp "github.com/rabbitmq/amqp091-go"
)

type Invoice struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

// headersCarrier lets the tracer write its headers into an AMQP table.
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

type publisher struct {
	ch *amqp.Channel
}

func (p *publisher) invoiceIssued(ctx context.Context, inv Invoice) error {
	body, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	span, ctx := tracer.StartSpanFromContext(ctx, "amqp.publish", tracer.ResourceName("billing invoice.issued"))
	defer span.Finish()
	headers := amqp.Table{}
	if err := tracer.Inject(span.Context(), headersCarrier(headers)); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return p.ch.PublishWithContext(ctx, "billing", "invoice.issued", false, false, amqp.Publishing{
		Headers:     headers,
		ContentType: "application/json",
		Body:        body,
	})
}
