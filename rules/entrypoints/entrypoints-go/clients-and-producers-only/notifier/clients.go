package main

import (
	"bytes"
	"context"
	"net/http"

	"github.com/IBM/sarama"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"

	pb "github.com/acme/notifier/gen/orderspb"
)

// Outbound calls only: HTTP client requests, a gRPC client, Kafka and RabbitMQ producers.
func notify(ctx context.Context, rdb *redis.Client, producer sarama.SyncProducer, ch *amqp.Channel) error {
	resp, err := http.Get("http://accounts:8080/accounts/42")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	client := &http.Client{}
	_, _ = client.Post("http://billing:1323/invoices", "application/json", bytes.NewReader(nil))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/internal/ping", nil)
	_, _ = client.Do(req)

	_ = rdb.Get(ctx, "/notifications/last").Val()

	_, _, err = producer.SendMessage(&sarama.ProducerMessage{Topic: "notifications", Value: sarama.StringEncoder("hi")})
	if err != nil {
		return err
	}
	err = ch.PublishWithContext(ctx, "", "emails", false, false, amqp.Publishing{Body: []byte("hi")})
	if err != nil {
		return err
	}

	conn, err := grpc.Dial("orders:50051", grpc.WithInsecure())
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = pb.NewOrdersClient(conn).GetOrder(ctx, &pb.GetOrderRequest{Id: "42"})
	return err
}
