const tracer = require('dd-trace');
const fastify = require('fastify')({ logger: true });
const { Client } = require('@elastic/elasticsearch');

const es = new Client({ node: process.env.ELASTICSEARCH_URL });

fastify.get('/search', async (request) => {
  return tracer.trace('search.query', async () => {
    const result = await es.search({ index: 'products', q: request.query.q });
    return result.hits.hits;
  });
});

fastify.listen({ port: 3000, host: '0.0.0.0' });
