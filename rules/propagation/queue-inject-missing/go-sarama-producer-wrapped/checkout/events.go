package main

import (
	"encoding/json"
	"log"

	saramatrace "github.com/DataDog/dd-trace-go/contrib/IBM/sarama/v2"
	"github.com/IBM/sarama"
)

type OrderPlaced struct {
	OrderID string  `json:"order_id"`
	Total   float64 `json:"total"`
}

type events struct {
	producer sarama.SyncProducer
}

func newEvents(brokers []string) (*events, error) {
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		return nil, err
	}
	return &events{producer: saramatrace.WrapSyncProducer(cfg, p)}, nil
}

func (e *events) orderPlaced(o OrderPlaced) error {
	body, _ := json.Marshal(o)
	_, _, err := e.producer.SendMessage(&sarama.ProducerMessage{
		Topic: "orders.placed",
		Key:   sarama.StringEncoder(o.OrderID),
		Value: sarama.ByteEncoder(body),
	})
	if err != nil {
		log.Printf("publish %s: %v", o.OrderID, err)
	}
	return err
}
