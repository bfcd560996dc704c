'use strict';

// Product views for the recommendations worker (RabbitMQ; dd-trace's amqplib integration adds
// the trace headers).
const amqp = require('amqplib');

let channel = null;

async function connect() {
  const connection = await amqp.connect(process.env.AMQP_URL || 'amqp://rabbitmq');
  channel = await connection.createChannel();
  await channel.assertQueue('product-views', { durable: true });
}

function productViewed(customerId, sku) {
  if (!channel || !customerId) return;
  const event = { customer_id: customerId, sku, viewed_at: new Date().toISOString() };
  channel.sendToQueue('product-views', Buffer.from(JSON.stringify(event)), { persistent: true });
}

module.exports = { connect, productViewed };
