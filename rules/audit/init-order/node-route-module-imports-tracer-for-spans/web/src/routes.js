'use strict';
const { createHash } = require('crypto');
const tracer = require('dd-trace');

module.exports = async function routes(fastify) {
  fastify.get('/checksum/:id', async (request) => {
    return tracer.trace('checksum.compute', () => {
      return createHash('sha256').update(request.params.id).digest('hex');
    });
  });
};
