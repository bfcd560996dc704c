const tracer = require('dd-trace')
const express = require('express')
const quotes = require('./quotes')

const router = express.Router()

router.get('/quotes/:id', async (req, res) => {
  const span = tracer.startSpan('gateway.quote')
  try {
    res.json(await quotes.fetch(req.params.id))
  } finally {
    span.finish()
  }
})

// Started by node-cron outside any request: a fresh trace per run is intended.
async function nightlyWarmup () {
  const span = tracer.startSpan('gateway.warmup', { childOf: null })
  try {
    await quotes.warmCache()
  } finally {
    span.finish()
  }
}

module.exports = { router, nightlyWarmup }
