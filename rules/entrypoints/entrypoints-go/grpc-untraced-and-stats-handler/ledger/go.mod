module github.com/acme/ledger

go 1.21

require (
	google.golang.org/grpc v1.62.0
	gopkg.in/DataDog/dd-trace-go.v1 v1.62.0
)
