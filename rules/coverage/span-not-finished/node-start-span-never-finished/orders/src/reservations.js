const tracer = require('dd-trace')
const db = require('./db')

async function reserve (order) {
  const span = tracer.startSpan('orders.reserve', { tags: { 'order.items': order.items.length } }) // expect: span-not-finished
  await db.reserve(order.items)
  return order.id
}

class ReleaseJob {
  async run (orderId) {
    let span
    span = tracer.startSpan('orders.release') // expect: span-not-finished
    try {
      await db.release(orderId)
    } catch (err) {
      span.setTag('error', err)
      throw err
    }
  }
}

module.exports = { reserve, ReleaseJob }
