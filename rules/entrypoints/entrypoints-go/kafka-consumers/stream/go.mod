module github.com/acme/stream

go 1.22

require (
	github.com/IBM/sarama v1.43.0
	github.com/confluentinc/confluent-kafka-go/v2 v2.3.0
	github.com/segmentio/kafka-go v0.4.47
	gopkg.in/DataDog/dd-trace-go.v1 v1.64.0
)
