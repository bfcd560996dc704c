const tracer = require('dd-trace')
const express = require('express')
const quotes = require('./quotes')

const router = express.Router()

router.get('/quotes/:id', async (req, res) => {
  const span = tracer.startSpan('gateway.quote', { childOf: null }) // expect: span-orphan-root
  try {
    res.json(await quotes.fetch(req.params.id))
  } finally {
    span.finish()
  }
})

function refreshRates () {
  return tracer.trace('gateway.refresh', async () => {
    await tracer.trace('gateway.refresh.fx', { childOf: null }, () => quotes.refreshFx()) // expect: span-orphan-root
  })
}

module.exports = { router, refreshRates }
