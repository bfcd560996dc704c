module github.com/acme/fulfilment

go 1.22

require (
	github.com/DataDog/dd-trace-go/contrib/segmentio/kafka-go/v2 v2.1.0
	github.com/DataDog/dd-trace-go/v2 v2.1.0
	github.com/segmentio/kafka-go v0.4.47
)
