package payment

import (
	"context"
	"errors"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/paymentintent"
	"github.com/stripe/stripe-go/v79/refund"
)

type Order struct {
	ID          string
	AmountCents int64
	Currency    string
}

type Processor struct{}

func (p *Processor) Charge(ctx context.Context, o Order, method string) (id string, err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge", tracer.ResourceName("charge"))
	defer func() { span.Finish(tracer.WithError(err)) }()
	if err := validate(o); err != nil {
		return "", err
	}
	params := &stripe.PaymentIntentParams{Amount: stripe.Int64(o.AmountCents), Currency: stripe.String(o.Currency), PaymentMethod: stripe.String(method), Confirm: stripe.Bool(true)}
	params.Context = ctx
	pi, err := paymentintent.New(params)
	if err != nil {
		return "", err
	}
	return pi.ID, nil
}

func Refund(ctx context.Context, intentID string) (err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.refund")
	defer func() { span.Finish(tracer.WithError(err)) }()
	params := &stripe.RefundParams{PaymentIntent: stripe.String(intentID)}
	params.Context = ctx
	_, err = refund.New(params)
	return err
}

func validate(o Order) error {
	if o.AmountCents <= 0 {
		return errors.New("payment: amount must be positive")
	}
	return nil
}
