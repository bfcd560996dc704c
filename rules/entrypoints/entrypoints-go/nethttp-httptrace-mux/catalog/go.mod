module github.com/acme/catalog

go 1.21

require gopkg.in/DataDog/dd-trace-go.v1 v1.62.0
