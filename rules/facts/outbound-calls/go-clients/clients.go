package main

import (
	"context"
	"net/http"

	"github.com/IBM/sarama"
	"github.com/segmentio/kafka-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func fetchOrder(ctx context.Context) (*http.Response, error) {
	return http.Get("http://orders:8080/api/orders") // expect: outbound-calls
}

func notify(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://notifications/notify", nil) // expect: outbound-calls
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}

func inventoryConn() (*grpc.ClientConn, error) {
	return grpc.NewClient("inventory:50051", grpc.WithTransportCredentials(insecure.NewCredentials())) // expect: outbound-calls
}

func legacyConn(ctx context.Context) (*grpc.ClientConn, error) {
	return grpc.DialContext(ctx, "dns:///pricing:9090", grpc.WithTransportCredentials(insecure.NewCredentials())) // expect: outbound-calls
}

func writer() *kafka.Writer {
	return &kafka.Writer{
		Addr:  kafka.TCP("kafka:9092"),
		Topic: "orders", // expect: outbound-calls
	}
}

func auditMessage(value []byte) *sarama.ProducerMessage {
	return &sarama.ProducerMessage{Topic: "orders.audit", Value: sarama.ByteEncoder(value)} // expect: outbound-calls
}
