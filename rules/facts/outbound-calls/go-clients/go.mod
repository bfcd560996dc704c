module github.com/acme/checkout

go 1.22

require (
	github.com/IBM/sarama v1.43.2
	github.com/segmentio/kafka-go v0.4.47
	google.golang.org/grpc v1.64.0
)
