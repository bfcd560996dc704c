module github.com/acme/fulfilment

go 1.22

require (
	github.com/DataDog/dd-trace-go/v2 v2.1.0
	github.com/IBM/sarama v1.43.3
)
