package events

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/segmentio/kafka-go"
)

type Event struct {
	Kind string `json:"kind"`
	Body []byte `json:"body"`
}

type Publisher struct{ w *kafka.Writer }

func (p *Publisher) Publish(ctx context.Context, e Event) (err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "events.publish")
	defer func() { span.Finish(tracer.WithError(err)) }()
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode %s: %w", e.Kind, err)
	}
	return p.w.WriteMessages(ctx, kafka.Message{Key: []byte(e.Kind), Value: payload})
}

func (p *Publisher) Flush(ctx context.Context) error {
	span, _ := tracer.StartSpanFromContext(ctx, "events.flush")
	if err := p.w.Close(); err != nil {
		span.SetTag(ext.Error, err)
		span.Finish()
		return err
	}
	span.Finish()
	return nil
}

func (p *Publisher) Replay(ctx context.Context, events []Event) error {
	span, ctx := tracer.StartSpanFromContext(ctx, "events.replay")
	for _, e := range events {
		if err := p.Publish(ctx, e); err != nil {
			span.Finish(tracer.WithError(err))
			return err
		}
	}
	span.Finish()
	return nil
}
