const tracer = require('dd-trace').init()
tracer.use('express', { validateStatus: (code) => code < 400 }) // expect: error-on-client-status

const express = require('express')
const partners = require('./partners')

const app = express()

app.get('/partners/:id', async (req, res) => {
  const response = await partners.fetch(req.params.id)
  const span = tracer.scope().active()
  if (span && response.statusCode >= 400) {
    span.setTag('error', new Error(`partner answered ${response.statusCode}`)) // expect: error-on-client-status
  }
  res.status(response.statusCode).json(response.body)
})

app.listen(8080)
