package pricing

import (
	"context"
	"encoding/json"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Item struct {
	SKU      string
	Quantity int
}

type Catalog interface {
	Price(ctx context.Context, sku string) (int64, error)
}

func Quote(ctx context.Context, catalog Catalog, items []Item) (total int64, err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "pricing.quote")
	span.SetTag("items.count", len(items))
	defer func() { span.Finish(tracer.WithError(err)) }()
	for _, item := range items {
		price, err := catalog.Price(ctx, item.SKU)
		if err != nil {
			return 0, err
		}
		total += price * int64(item.Quantity)
	}
	return total, nil
}

// Consume handles one price update per delivery: a span per message is the unit of work.
func Consume(ctx context.Context, deliveries <-chan amqp.Delivery, catalog Catalog) {
	for d := range deliveries {
		span, ctx := tracer.StartSpanFromContext(ctx, "pricing.update")
		var item Item
		if err := json.Unmarshal(d.Body, &item); err == nil {
			_, _ = catalog.Price(ctx, item.SKU)
		}
		span.Finish()
		d.Ack(false)
	}
}

func Warm(ctx context.Context, catalog Catalog) {
	for _, region := range []string{"eu", "us"} {
		span, ctx := tracer.StartSpanFromContext(ctx, "pricing.warm")
		span.SetTag("region", region)
		_, _ = catalog.Price(ctx, "warmup-"+region)
		span.Finish()
	}
}
