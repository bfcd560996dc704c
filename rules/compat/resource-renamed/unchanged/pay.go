package payments

func Charge(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge", tracer.ResourceName("charge"))
	defer span.Finish()
}

func Refund(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.refund", tracer.ResourceName("refund"))
	defer span.Finish()
}
