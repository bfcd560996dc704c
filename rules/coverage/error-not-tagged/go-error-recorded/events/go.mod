module example.com/events

go 1.22

require (
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/segmentio/kafka-go v0.4.47
)
