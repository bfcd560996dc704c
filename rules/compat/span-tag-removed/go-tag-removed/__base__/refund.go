package payments

func Refund(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.refund")
	defer span.Finish()
	span.SetTag("refund.reason", "customer")
}
