import nodemailer from 'nodemailer';

export interface OrderEvent {
  orderId: string;
  customerEmail: string;
  customerPhone?: string;
  totalCents: number;
  currency: string;
  trackingNumber?: string;
}

const transport = nodemailer.createTransport({
  host: process.env.SMTP_HOST ?? 'smtp',
  port: Number(process.env.SMTP_PORT ?? 587),
  auth: process.env.SMTP_USER ? { user: process.env.SMTP_USER, pass: process.env.SMTP_PASSWORD } : undefined,
});

function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}

function render(topic: string, e: OrderEvent): { subject: string; text: string } | null {
  switch (topic) {
    case 'orders.placed':
      return {
        subject: `Order ${e.orderId} confirmed`,
        text: `Thanks for your order of ${money(e.totalCents, e.currency)}.`,
      };
    case 'orders.shipped':
      return {
        subject: `Order ${e.orderId} is on its way`,
        text: `Tracking number: ${e.trackingNumber ?? 'pending'}.`,
      };
    case 'orders.refunded':
      return {
        subject: `Refund for order ${e.orderId}`,
        text: `We refunded ${money(e.totalCents, e.currency)}.`,
      };
    default:
      return null;
  }
}

export async function handleOrderEvent(topic: string, event: OrderEvent): Promise<void> {
  const message = render(topic, event);
  if (!message) return;
  await transport.sendMail({
    from: 'Acme Shop <orders@acme-shop.example>',
    to: event.customerEmail,
    ...message,
  });
}
