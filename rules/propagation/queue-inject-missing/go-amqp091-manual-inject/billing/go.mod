module github.com/acme/billing

go 1.22

require (
	github.com/DataDog/dd-trace-go/v2 v2.1.0
	github.com/rabbitmq/amqp091-go v1.10.0
)
