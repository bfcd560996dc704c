const amqp = require('amqplib');

const QUEUE = 'shipments';

async function consume() {
  const conn = await amqp.connect('amqp://rabbitmq');
  const channel = await conn.createChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  await channel.consume(QUEUE, onShipment, { noAck: false }); // expect: entrypoints-node
  await channel.consume('returns', (msg) => channel.ack(msg)); // expect: entrypoints-node
}

function onShipment(msg) {
  console.log(msg.content.toString());
}

module.exports = { consume };
