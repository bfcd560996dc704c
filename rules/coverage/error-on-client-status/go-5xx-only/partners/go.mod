module example.com/partners

go 1.22

require github.com/DataDog/dd-trace-go/contrib/net/http/v2 v2.0.0
