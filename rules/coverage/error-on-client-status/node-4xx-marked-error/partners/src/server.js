const tracer = require('dd-trace').init()
tracer.use('express', { validateStatus: (code) => code < 400 }) // expect: error-on-client-status

const express = require('express')
const partners = require('./partners')

const app = express()

app.use((req, res, next) => {
  res.on('finish', () => {
    const span = tracer.scope().active()
    if (span && res.statusCode >= 400) {
      span.setTag('error', new Error(`answered ${res.statusCode}`)) // expect: error-on-client-status
    }
  })
  next()
})

app.get('/partners/:id', async (req, res) => {
  const response = await partners.fetch(req.params.id)
  res.status(response.statusCode).json(response.body)
})

app.listen(8080)
