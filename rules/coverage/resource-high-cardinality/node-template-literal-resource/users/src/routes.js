const tracer = require('dd-trace')
const express = require('express')
const users = require('./users')

const router = express.Router()

router.get('/users/:id', async (req, res) => {
  const user = await tracer.trace('users.get', { resource: `GET /users/${req.params.id}` }, () => users.get(req.params.id)) // expect: resource-high-cardinality
  res.json(user)
})

router.get('/assets/*', (req, res) => {
  const span = tracer.scope().active()
  span.setTag('resource.name', req.originalUrl) // expect: resource-high-cardinality
  res.sendFile(users.asset(req.params[0]))
})

async function exportTenant (tenantId) {
  const span = tracer.startSpan('users.export.' + tenantId) // expect: resource-high-cardinality
  try {
    await users.export(tenantId)
  } finally {
    span.finish()
  }
}

module.exports = { router, exportTenant }
