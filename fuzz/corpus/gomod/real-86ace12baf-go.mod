module github.com/acme-shop/inventory

go 1.23

require (
	github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2 v2.0.1
	github.com/DataDog/dd-trace-go/contrib/google.golang.org/grpc/v2 v2.0.1
	github.com/DataDog/dd-trace-go/v2 v2.0.1
	github.com/acme-shop/protos v0.4.0
	github.com/gin-gonic/gin v1.10.0
	github.com/jackc/pgx/v5 v5.7.1
	google.golang.org/grpc v1.67.1
)
