const tracer = require('dd-trace')
const store = require('./store')

async function importLines (lines) {
  for (const line of lines) {
    const span = tracer.startSpan('importer.line') // expect: span-in-hot-loop
    try {
      await store.upsert(line.split(','))
    } finally {
      span.finish()
    }
  }
}

async function lookupPrices (skus) {
  return Promise.all(skus.map((sku) => tracer.trace('importer.price', () => store.price(sku)))) // expect: span-in-hot-loop
}

module.exports = { importLines, lookupPrices }
