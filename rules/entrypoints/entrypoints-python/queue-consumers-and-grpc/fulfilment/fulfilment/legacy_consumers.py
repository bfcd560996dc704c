import asyncio

from aiokafka import AIOKafkaConsumer
from kafka import KafkaConsumer


def shipments():
    consumer = KafkaConsumer("shipments", bootstrap_servers="kafka:9092", group_id="fulfilment")  # expect: entrypoints-python
    for message in consumer:
        print(message.value)


async def labels():
    consumer = AIOKafkaConsumer("labels.printed", bootstrap_servers="kafka:9092")  # expect: entrypoints-python
    await consumer.start()
    try:
        async for msg in consumer:
            print(msg.value)
    finally:
        await consumer.stop()


if __name__ == "__main__":
    asyncio.run(labels())
