package payments

func Charge(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge",
		tracer.ResourceName("charge-card")) // expect: resource-renamed
	defer span.Finish()
}

func Refund(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.refund", tracer.ResourceName("refund"))
	defer span.Finish()
}
