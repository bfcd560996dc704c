module github.com/acme/inventory

go 1.22

require (
	github.com/gin-gonic/gin v1.9.1 // expect: tracer-missing
	github.com/jackc/pgx/v5 v5.5.5
)

require (
	github.com/bytedance/sonic v1.11.3 // indirect
	github.com/go-playground/validator/v10 v10.19.0 // indirect
	golang.org/x/net v0.24.0 // indirect
)
