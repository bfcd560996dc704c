const tracer = require('dd-trace')
const db = require('./db')

async function reserve (order) {
  const span = tracer.startSpan('orders.reserve', { tags: { 'order.items': order.items.length } })
  try {
    await db.reserve(order.items)
    return order.id
  } finally {
    span.finish()
  }
}

function timed (req, res, next) {
  const span = tracer.startSpan('orders.request')
  res.on('finish', () => span.finish())
  next()
}

function startExport (batch) {
  const span = tracer.startSpan('orders.export', { tags: { batch } })
  return span
}

const release = (orderId) => tracer.trace('orders.release', () => db.release(orderId))

module.exports = { reserve, timed, startExport, release }
