import axios from 'axios';
import * as grpc from '@grpc/grpc-js';
import { Kafka } from 'kafkajs';
import amqp from 'amqplib';
import { proto } from './proto';

const users = axios.create({ baseURL: 'http://users:3000/api', timeout: 2000 }); // expect: outbound-calls

export async function getCart(id: string) {
  const res = await fetch(`http://cart:8080/carts/${id}`); // expect: outbound-calls
  return res.json();
}

export async function getPrices(skus: string[]) {
  const { data } = await axios.post('http://pricing:8080/prices', { skus }); // expect: outbound-calls
  return data;
}

export async function getUser(id: string) {
  return (await users.get(`/users/${id}`)).data;
}

export const inventory = new proto.inventory.Inventory('inventory:50051', grpc.credentials.createInsecure()); // expect: outbound-calls

const kafka = new Kafka({ clientId: 'bff', brokers: ['kafka:9092'] });
const producer = kafka.producer();

export async function publishView(sku: string) {
  await producer.send({ topic: 'product-views', messages: [{ value: sku }] }); // expect: outbound-calls
}

export async function enqueueEmail(body: Buffer) {
  const ch = await (await amqp.connect('amqp://rabbitmq')).createChannel();
  ch.sendToQueue('emails', body); // expect: outbound-calls
}
