const express = require('express');
const axios = require('axios');

const app = express();
const cache = new Map();
const ORDERS = process.env.ORDERS_URL;

app.get('/proxy/:id', async (req, res) => {
  const cached = cache.get('http://orders/' + req.params.id);
  if (cached) return res.json(cached);
  const { data } = await axios.get(`${ORDERS}/orders/${req.params.id}`);
  const other = await fetch(`http://${req.query.host}/status`);
  res.json({ data, other: await other.json() });
});

app.listen(3000);
