module github.com/acme/events

go 1.21

require (
	github.com/segmentio/kafka-go v0.4.47
	gopkg.in/DataDog/dd-trace-go.v1 v1.62.0 // expect: tracer-outdated
)

require (
	github.com/DataDog/datadog-go/v5 v5.5.0 // indirect
	github.com/klauspost/compress v1.17.7 // indirect
)
