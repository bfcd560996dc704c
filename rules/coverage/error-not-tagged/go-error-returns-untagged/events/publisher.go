package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/segmentio/kafka-go"
)

type Event struct {
	Kind string `json:"kind"`
	Body []byte `json:"body"`
}

type Publisher struct{ w *kafka.Writer }

func (p *Publisher) Publish(ctx context.Context, e Event) error {
	span, ctx := tracer.StartSpanFromContext(ctx, "events.publish")
	defer span.Finish()
	payload, err := json.Marshal(e)
	if err != nil { // expect: error-not-tagged
		return fmt.Errorf("encode %s: %w", e.Kind, err)
	}
	if err := p.w.WriteMessages(ctx, kafka.Message{Key: []byte(e.Kind), Value: payload}); err != nil {
		return fmt.Errorf("write %s: %w", e.Kind, err)
	}
	return nil
}

func (p *Publisher) Flush(ctx context.Context) (err error) {
	span, _ := tracer.StartSpanFromContext(ctx, "events.flush")
	defer span.Finish(tracer.WithError(err)) // expect: error-not-tagged
	return p.w.Close()
}
