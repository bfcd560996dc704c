import Stripe from 'stripe'

const stripe = new Stripe(process.env.STRIPE_KEY ?? '')

export class Payment {
  async charge (orderId: string, cents: number, method: string): Promise<string> { // expect: critical-op-unspanned
    const intent = await stripe.paymentIntents.create({ amount: cents, currency: 'eur', payment_method: method, confirm: true, metadata: { orderId } })
    return intent.id
  }

  private toCents (amount: number): number {
    return Math.round(amount * 100)
  }
}

export const refund = async (intentId: string): Promise<void> => { // expect: critical-op-unspanned
  await stripe.refunds.create({ payment_intent: intentId })
}
