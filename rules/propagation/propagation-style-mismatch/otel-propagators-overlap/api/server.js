const fastify = require('fastify')()

fastify.post('/jobs', async (req) => {
  const r = await fetch('http://worker:8080/jobs', { method: 'POST', body: JSON.stringify(req.body) })
  return r.json()
})
fastify.listen({ port: 3000, host: '0.0.0.0' })
