package main

import (
	"context"
	"encoding/json"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

type Invoice struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

type publisher struct {
	ch *amqp.Channel
}

func (p *publisher) invoiceIssued(ctx context.Context, inv Invoice) error {
	body, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return p.ch.PublishWithContext(ctx, "billing", "invoice.issued", false, false, amqp.Publishing{ // expect: queue-inject-missing
		ContentType:  "application/json",
		DeliveryMode: amqp.Persistent,
		Body:         body,
	})
}
