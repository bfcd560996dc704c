package telemetry

import (
	"log/slog"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

// Start starts the Datadog tracer; the caller defers the returned function.
func Start(service, version string) (stop func()) {
	if err := tracer.Start(tracer.WithService(service), tracer.WithServiceVersion(version)); err != nil {
		slog.Warn("tracer disabled", "err", err)
		return func() {}
	}
	return tracer.Stop
}
