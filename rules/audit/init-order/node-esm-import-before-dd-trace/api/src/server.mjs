import Fastify from 'fastify';
import Redis from 'ioredis';
import 'dd-trace/init.js'; // expect: init-order

const redis = new Redis(process.env.REDIS_URL);
const app = Fastify({ logger: true });

app.get('/sessions/:id', async (req) => JSON.parse(await redis.get(`session:${req.params.id}`)));

await app.listen({ port: 3000, host: '0.0.0.0' });
