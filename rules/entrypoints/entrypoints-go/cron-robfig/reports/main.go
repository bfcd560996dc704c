package main

import (
	"context"
	"log"

	"github.com/robfig/cron/v3"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type cleanupJob struct{}

func (cleanupJob) Run() { log.Print("cleanup") }

func main() {
	tracer.Start()
	defer tracer.Stop()

	c := cron.New()
	c.AddFunc("@every 1m", refreshCache)  // expect: entrypoints-go
	c.AddFunc("0 3 * * *", nightlyReport) // expect: entrypoints-go
	c.AddFunc("@hourly", func() {         // expect: entrypoints-go
		span := tracer.StartSpan("reports.hourly")
		defer span.Finish()
	})
	c.AddJob("@daily", cleanupJob{}) // expect: entrypoints-go
	c.Start()
	select {}
}

func refreshCache() { log.Print("refresh") }

func nightlyReport() {
	span, ctx := tracer.StartSpanFromContext(context.Background(), "reports.nightly")
	defer span.Finish()
	_ = ctx
}
