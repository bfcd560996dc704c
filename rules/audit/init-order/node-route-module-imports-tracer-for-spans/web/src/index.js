'use strict';
require('dd-trace').init({ logInjection: true });

const fastify = require('fastify')({ logger: true });
fastify.register(require('./routes'));
fastify.listen({ port: 3000, host: '0.0.0.0' });
