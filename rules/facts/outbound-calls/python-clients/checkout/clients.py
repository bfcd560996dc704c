import grpc
import httpx
import pika
import requests
from confluent_kafka import Producer
from kafka import KafkaProducer

import inventory_pb2_grpc

ORDERS_TIMEOUT = 2.5


def fetch_order(order_id):
    resp = requests.get(f"http://orders:8080/api/orders/{order_id}", timeout=ORDERS_TIMEOUT)  # expect: outbound-calls
    resp.raise_for_status()
    return resp.json()


def notify(payload):
    requests.request("POST", "http://notifications.default.svc.cluster.local/notify", json=payload)  # expect: outbound-calls


async def load_profile(user_id):
    async with httpx.AsyncClient(base_url="http://users:8000", timeout=3) as client:  # expect: outbound-calls
        r = await client.get(f"/users/{user_id}")
        return r.json()


def reserve(sku, qty):
    channel = grpc.insecure_channel("inventory:50051")  # expect: outbound-calls
    stub = inventory_pb2_grpc.InventoryStub(channel)
    return stub.Reserve(sku=sku, qty=qty)


producer = Producer({"bootstrap.servers": "kafka:9092"})
legacy_producer = KafkaProducer(bootstrap_servers="kafka:9092")


def publish_order(order):
    producer.produce("orders", key=str(order["id"]), value=order["raw"])  # expect: outbound-calls
    legacy_producer.send(topic="orders.audit", value=order["raw"])  # expect: outbound-calls


def enqueue_shipment(body):
    conn = pika.BlockingConnection(pika.ConnectionParameters("rabbitmq"))
    channel = conn.channel()
    channel.basic_publish(exchange="", routing_key="shipments", body=body)  # expect: outbound-calls
