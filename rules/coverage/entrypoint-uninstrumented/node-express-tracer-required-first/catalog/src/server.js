require('dd-trace').init({ service: 'catalog' })

const express = require('express')
const products = require('./products')

const app = express()
app.use(express.json())

app.get('/products/:sku', async (req, res) => {
  res.json(await products.get(req.params.sku))
})

app.post('/products', async (req, res) => {
  res.status(201).json(await products.create(req.body))
})

app.listen(3000)
