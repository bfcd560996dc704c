module github.com/acme/reports

go 1.21

require (
	github.com/robfig/cron/v3 v3.0.1
	gopkg.in/DataDog/dd-trace-go.v1 v1.64.0
)
