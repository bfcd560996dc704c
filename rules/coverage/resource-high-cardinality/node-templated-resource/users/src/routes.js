const tracer = require('dd-trace')
const express = require('express')
const users = require('./users')

const router = express.Router()

router.get('/users/:id', async (req, res) => {
  const user = await tracer.trace('users.get', { resource: 'GET /users/:id', tags: { 'user.id': req.params.id } }, () => users.get(req.params.id))
  res.json(user)
})

router.get('/assets/*', (req, res) => {
  const span = tracer.scope().active()
  span.setTag('resource.name', `${req.method} ${req.route.path}`)
  span.setTag('asset.path', req.originalUrl)
  res.sendFile(users.asset(req.params[0]))
})

async function exportTenant (tenantId) {
  const span = tracer.startSpan('users.export', { tags: { tenant: tenantId } })
  try {
    await users.export(tenantId)
  } finally {
    span.finish()
  }
}

module.exports = { router, exportTenant }
