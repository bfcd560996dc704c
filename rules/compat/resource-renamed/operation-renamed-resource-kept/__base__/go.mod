module example.com/payments

go 1.22

require github.com/DataDog/dd-trace-go/v2 v2.0.0
