import tracer from 'dd-trace'
import Stripe from 'stripe'

const stripe = new Stripe(process.env.STRIPE_KEY ?? '')

export class Payment {
  async charge (orderId: string, cents: number, method: string): Promise<string> {
    return tracer.trace('payment.charge', { resource: 'charge' }, async () => {
      const intent = await stripe.paymentIntents.create({ amount: cents, currency: 'eur', payment_method: method, confirm: true, metadata: { orderId } })
      return intent.id
    })
  }
}

export const refund = tracer.wrap('payment.refund', async (intentId: string): Promise<void> => {
  await stripe.refunds.create({ payment_intent: intentId })
})
