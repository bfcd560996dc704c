const tracer = require('dd-trace').init()
tracer.use('express', { validateStatus: (code) => code < 500 })

const express = require('express')
const partners = require('./partners')

const app = express()

app.get('/partners/:id', async (req, res) => {
  const response = await partners.fetch(req.params.id)
  const span = tracer.scope().active()
  if (span) {
    span.setTag('partner.status_code', response.statusCode)
    if (response.statusCode >= 500) {
      span.setTag('error', new Error(`partner answered ${response.statusCode}`))
    }
  }
  res.status(response.statusCode).json(response.body)
})

app.listen(8080)
