'use strict';

const express = require('express');
const morgan = require('morgan');

const tracer = require('dd-trace').init({ logInjection: true });

const products = require('./routes/products');
const cart = require('./routes/cart');
const quote = require('./routes/quote');
const events = require('./events');
const jobs = require('./jobs');

const app = express();
app.use(express.json());
app.use(morgan('combined'));

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use('/api/products', products);
app.use('/api/cart', cart);
app.use('/api/quote', quote);

app.use((err, req, res, next) => {
  const status = err.status || 500;
  // Make failed requests stand out in APM.
  const span = tracer.scope().active();
  if (span && status >= 400) {
    span.setTag('error', err);
  }
  console.error(err);
  res.status(status).json({ error: err.message });
});

events.connect().catch((err) => console.error('rabbitmq unavailable, product views are not recorded', err));
jobs.start();

const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`storefront listening on ${port}`));
