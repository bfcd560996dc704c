'use strict';

const express = require('express');
const morgan = require('morgan');

require('dd-trace').init({ logInjection: true });

const products = require('./routes/products');
const cart = require('./routes/cart');

const app = express();
app.use(express.json());
app.use(morgan('combined'));

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use('/api/products', products);
app.use('/api/cart', cart);

app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ error: err.message });
});

const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`storefront listening on ${port}`));
