const { Kafka } = require('kafkajs');
const tracer = require('dd-trace');

const PAYMENTS_TOPIC = 'payments.settled';

const kafka = new Kafka({ clientId: 'fulfillment', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'fulfillment' });
const audit = kafka.consumer({ groupId: 'fulfillment-audit' });

async function start() {
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders', fromBeginning: true }); // expect: entrypoints-node
  await consumer.subscribe({ topics: [PAYMENTS_TOPIC, 'refunds'] }); // expect: entrypoints-node
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      await tracer.trace('fulfillment.process', async () => handle(topic, message));
    },
  });

  await audit.connect();
  await audit.subscribe({ topic: 'audit-log' }); // expect: entrypoints-node
  await audit.run({ eachBatch: recordBatch });
}

async function handle(topic, message) {
  console.log(topic, message.value.toString());
}

async function recordBatch({ batch }) {
  console.log(batch.messages.length);
}

module.exports = { start };
