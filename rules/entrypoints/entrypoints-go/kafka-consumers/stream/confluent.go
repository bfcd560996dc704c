package main

import (
	"log"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

func runConfluent() {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": "kafka:9092", "group.id": "stream"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	c.SubscribeTopics([]string{"payments"}, nil) // expect: entrypoints-go
	for {
		msg, err := c.ReadMessage(-1)
		if err == nil {
			log.Printf("payment %s", msg.Value)
		}
	}
}
