module github.com/acme/indexer

go 1.23

require github.com/DataDog/dd-trace-go/v2 v2.0.0
