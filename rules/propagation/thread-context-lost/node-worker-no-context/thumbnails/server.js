const path = require('node:path')
const { Worker } = require('node:worker_threads')
const express = require('express')

const app = express()
app.use(express.json())

function resize (image, width) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'resize-worker.js'), { // expect: thread-context-lost
      workerData: { image, width }
    })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

app.post('/thumbnails', async (req, res) => {
  const out = await resize(req.body.image, req.body.width || 256)
  res.json({ url: out.url })
})

app.listen(3000)
