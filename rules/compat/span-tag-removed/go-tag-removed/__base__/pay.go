package payments

func Charge(ctx context.Context, card string) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge", tracer.Tag("card.brand", card))
	defer span.Finish()
	span.SetTag("payment.provider", "stripe")
}
