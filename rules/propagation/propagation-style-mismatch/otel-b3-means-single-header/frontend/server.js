const express = require('express')

const app = express()
app.get('/', async (req, res) => {
  const r = await fetch('http://search:8080/search?q=' + encodeURIComponent(req.query.q || ''))
  res.json(await r.json())
})
app.listen(3000)
