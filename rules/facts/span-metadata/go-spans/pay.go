package payments

import (
	"context"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/ext"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func Charge(ctx context.Context, card string) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge",
		tracer.ResourceName("charge"), // expect: span-metadata
		tracer.Tag("card.brand", card)) // expect: span-metadata
	defer span.Finish()
	span.SetTag("payment.provider", "stripe") // expect: span-metadata
}

func Refund() {
	span := tracer.StartSpan("payment.refund")
	defer span.Finish()
	span.SetTag(ext.ResourceName, "refund") // expect: span-metadata
}
