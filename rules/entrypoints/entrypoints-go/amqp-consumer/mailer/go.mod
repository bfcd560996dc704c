module github.com/acme/mailer

go 1.21

require github.com/rabbitmq/amqp091-go v1.9.0
