module github.com/acme/notifier

go 1.22

require (
	github.com/IBM/sarama v1.43.0
	github.com/gin-gonic/gin v1.9.1
	github.com/go-chi/chi/v5 v5.0.12
	github.com/nats-io/nats.go v1.34.0
	github.com/rabbitmq/amqp091-go v1.9.0
	github.com/redis/go-redis/v9 v9.5.1
	github.com/robfig/cron/v3 v3.0.1
	google.golang.org/grpc v1.64.0
)
