package payments

func Charge(ctx context.Context, card string) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge") // expect: span-tag-removed
	defer span.Finish()
	span.SetTag("payment.provider", "stripe")
}
