module github.com/acme/events

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/segmentio/kafka-go/v2 v2.0.0
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/segmentio/kafka-go v0.4.47
)
