module github.com/acme-shop/shipping

go 1.21

require (
	github.com/acme-shop/protos v0.4.0
	github.com/labstack/echo/v4 v4.11.4
	github.com/segmentio/kafka-go v0.4.47
	google.golang.org/grpc v1.64.1
	gopkg.in/DataDog/dd-trace-go.v1 v1.64.1
)
