package pricing

import (
	"context"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

type Item struct {
	SKU      string
	Quantity int
}

type Catalog interface {
	Price(ctx context.Context, sku string) (int64, error)
}

func Quote(ctx context.Context, catalog Catalog, items []Item) (int64, error) {
	var total int64
	for _, item := range items {
		span, ctx := tracer.StartSpanFromContext(ctx, "pricing.item") // expect: span-in-hot-loop
		price, err := catalog.Price(ctx, item.SKU)
		span.Finish(tracer.WithError(err))
		if err != nil {
			return 0, err
		}
		total += price * int64(item.Quantity)
	}
	return total, nil
}

func Discounts(ctx context.Context, codes []string) map[string]bool {
	valid := make(map[string]bool, len(codes))
	for i := 0; i < len(codes); i++ {
		span := tracer.StartSpan("pricing.discount.check") // expect: span-in-hot-loop
		valid[codes[i]] = len(codes[i]) == 8
		span.Finish()
	}
	return valid
}
