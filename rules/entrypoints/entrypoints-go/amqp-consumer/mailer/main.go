package main

import (
	"context"
	"log"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	conn, err := amqp.Dial("amqp://guest:guest@rabbitmq:5672/")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		log.Fatal(err)
	}
	q, _ := ch.QueueDeclare("emails", true, false, false, false, nil)
	msgs, err := ch.Consume("emails", "mailer", false, false, false, false, nil) // expect: entrypoints-go
	if err != nil {
		log.Fatal(err)
	}
	bounces, _ := ch.ConsumeWithContext(context.Background(), "bounces", "mailer", true, false, false, false, nil) // expect: entrypoints-go
	_ = q
	go func() {
		for b := range bounces {
			log.Printf("bounce %s", b.Body)
		}
	}()
	for d := range msgs {
		log.Printf("send %s", d.Body)
		d.Ack(false)
	}
}
