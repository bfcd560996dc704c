const tracer = require('dd-trace').init()
tracer.use('express', { validateStatus: (code) => code < 500 })

const express = require('express')
const partners = require('./partners')

const app = express()

app.use((req, res, next) => {
  res.on('finish', () => {
    const span = tracer.scope().active()
    if (span && res.statusCode >= 500) {
      span.setTag('error', new Error(`answered ${res.statusCode}`))
    }
  })
  next()
})

app.get('/partners/:id', async (req, res) => {
  // An outbound call: a 4xx from the partner fails this client span, as dd-trace does by default.
  const response = await tracer.trace('partners.fetch', async (span) => {
    const r = await partners.fetch(req.params.id)
    if (r.statusCode >= 400) span.setTag('error', new Error(`partner answered ${r.statusCode}`))
    return r
  })
  res.status(response.statusCode).json(response.body)
})

app.listen(8080)
