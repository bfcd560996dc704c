const tracer = require('dd-trace')
const logger = require('./logger')

async function publish (producer, event) {
  return tracer.trace('events.publish', { resource: event.kind }, async () => {
    try {
      await producer.send({ topic: 'events', messages: [{ key: event.kind, value: JSON.stringify(event) }] })
      return true
    } catch (err) { // expect: error-not-tagged
      logger.warn({ err }, 'publish failed')
      return false
    }
  })
}

async function replay (producer, events) {
  const span = tracer.startSpan('events.replay')
  try {
    for (const event of events) {
      await publish(producer, event)
    }
  } catch (err) { // expect: error-not-tagged
    logger.error({ err }, 'replay failed')
    throw err
  } finally {
    span.finish()
  }
}

module.exports = { publish, replay }
