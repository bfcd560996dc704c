const tracer = require('dd-trace')
const { Kafka } = require('kafkajs')
const store = require('./store')

async function importLines (lines) {
  await tracer.trace('importer.lines', async (span) => {
    span.setTag('lines.count', lines.length)
    for (const line of lines) {
      await store.upsert(line.split(','))
    }
  })
}

async function run () {
  const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'importer' })
  await consumer.subscribe({ topic: 'catalog-updates' })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        await tracer.trace('importer.update', () => store.apply(JSON.parse(message.value)))
      }
    }
  })
}

module.exports = { importLines, run }
