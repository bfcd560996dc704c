module github.com/acme/consumer

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/IBM/sarama/v2 v2.0.0
	github.com/DataDog/dd-trace-go/v2 v2.0.0
	github.com/IBM/sarama v1.43.1
)
