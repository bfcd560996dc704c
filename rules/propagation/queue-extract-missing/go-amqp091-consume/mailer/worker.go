package main

import (
	"context"
	"log"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	amqp "github.com/rabbitmq/amqp091-go"
)

func run(ctx context.Context, ch *amqp.Channel) error {
	deliveries, err := ch.Consume("emails", "mailer", false, false, false, false, nil) // expect: queue-extract-missing
	if err != nil {
		return err
	}
	for d := range deliveries {
		span := tracer.StartSpan("mailer.send")
		log.Printf("sending %s", d.MessageId)
		_ = d.Ack(false)
		span.Finish()
	}
	return nil
}
