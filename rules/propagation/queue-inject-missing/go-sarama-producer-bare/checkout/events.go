package main

import (
	"encoding/json"
	"log"

	"github.com/IBM/sarama"
)

type OrderPlaced struct {
	OrderID string  `json:"order_id"`
	Total   float64 `json:"total"`
}

type events struct {
	producer sarama.SyncProducer
	audit    sarama.AsyncProducer
}

func newEvents(brokers []string) (*events, error) {
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		return nil, err
	}
	a, err := sarama.NewAsyncProducer(brokers, cfg)
	if err != nil {
		return nil, err
	}
	return &events{producer: p, audit: a}, nil
}

func (e *events) orderPlaced(o OrderPlaced) error {
	body, _ := json.Marshal(o)
	_, _, err := e.producer.SendMessage(&sarama.ProducerMessage{ // expect: queue-inject-missing
		Topic: "orders.placed",
		Key:   sarama.StringEncoder(o.OrderID),
		Value: sarama.ByteEncoder(body),
	})
	e.audit.Input() <- &sarama.ProducerMessage{Topic: "audit", Value: sarama.ByteEncoder(body)} // expect: queue-inject-missing
	if err != nil {
		log.Printf("publish %s: %v", o.OrderID, err)
	}
	return err
}
