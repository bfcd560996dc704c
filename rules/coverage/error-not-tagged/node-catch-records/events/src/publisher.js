const tracer = require('dd-trace')
const logger = require('./logger')

async function publish (producer, event) {
  return tracer.trace('events.publish', { resource: event.kind }, async (span) => {
    try {
      await producer.send({ topic: 'events', messages: [{ key: event.kind, value: JSON.stringify(event) }] })
      return true
    } catch (err) {
      span.setTag('error', err)
      logger.warn({ err }, 'publish failed')
      return false
    }
  })
}

async function publishStrict (producer, event) {
  return tracer.trace('events.publish_strict', async () => {
    try {
      await producer.send({ topic: 'events', messages: [{ value: JSON.stringify(event) }] })
    } catch (err) {
      logger.error({ err }, 'strict publish failed')
      throw err // tracer.trace marks the span as failed when the callback throws
    }
  })
}

async function replay (producer, events) {
  const span = tracer.startSpan('events.replay')
  try {
    for (const event of events) {
      await publish(producer, event)
    }
  } catch (err) {
    span.setTag('error', err)
    throw err
  } finally {
    span.finish()
  }
}

module.exports = { publish, publishStrict, replay }
