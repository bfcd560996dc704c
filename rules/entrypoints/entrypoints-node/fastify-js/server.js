'use strict';

require('dd-trace/init');
const Fastify = require('fastify');

const fastify = Fastify({ logger: true });

fastify.get('/products/:sku', async (request, reply) => { // expect: entrypoints-node
  return { sku: request.params.sku };
});

fastify.post('/products', { schema: { body: { type: 'object' } } }, createProduct); // expect: entrypoints-node

fastify.route({ // expect: entrypoints-node
  method: ['PUT', 'PATCH'],
  url: '/products/:sku',
  handler: updateProduct,
});

async function createProduct(request, reply) {
  reply.code(201);
  return request.body;
}

async function updateProduct(request, reply) {
  return { ok: true };
}

async function inventoryRoutes(instance, opts) {
  instance.get('/stock/:sku', async (request) => ({ sku: request.params.sku, qty: 3 })); // expect: entrypoints-node
}

fastify.register(inventoryRoutes, { prefix: '/v2' });

fastify.listen({ port: 3000, host: '0.0.0.0' });
