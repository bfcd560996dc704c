const express = require('express')

const app = express()
const inventory = process.env.INVENTORY_URL || 'http://inventory:8000'

app.get('/products/:sku', async (req, res) => {
  const r = await fetch('http://inventory:8000/stock/' + encodeURIComponent(req.params.sku))
  res.status(r.status).json(await r.json())
})

app.listen(3000, () => console.log('frontend on 3000, inventory at %s', inventory))
