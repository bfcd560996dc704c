module github.com/acme/shipping

go 1.22

require (
	github.com/DataDog/dd-trace-go/v2 v2.1.0
	google.golang.org/grpc v1.67.1
)
