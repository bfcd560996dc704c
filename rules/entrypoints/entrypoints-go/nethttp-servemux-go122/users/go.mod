module github.com/acme/users

go 1.22

require github.com/DataDog/dd-trace-go/v2 v2.1.0
