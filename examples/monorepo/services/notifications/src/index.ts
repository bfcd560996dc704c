import './tracer';

import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';

import { handleOrderEvent, OrderEvent } from './handlers';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });

const kafka = new Kafka({
  clientId: 'notifications',
  brokers: (process.env.KAFKA_BROKERS ?? 'kafka:9092').split(','),
  logLevel: logLevel.WARN,
});

async function main(): Promise<void> {
  const consumer = kafka.consumer({ groupId: 'notifications' });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders.placed', 'orders.shipped', 'orders.refunded'] });

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (!message.value) return;
      const event = JSON.parse(message.value.toString()) as OrderEvent;
      try {
        await handleOrderEvent(topic, event);
      } catch (err) {
        log.error({ err, topic, partition, offset: message.offset }, 'notification failed');
        throw err;
      }
    },
  });

  const shutdown = async (): Promise<void> => {
    await consumer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  log.fatal({ err }, 'consumer crashed');
  process.exit(1);
});
