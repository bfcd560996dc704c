'use strict';

const express = require('express');
const { request } = require('undici');

const events = require('../events');

const CATALOG_URL = process.env.CATALOG_URL || 'http://catalog:8080';
const INVENTORY_URL = process.env.INVENTORY_URL || 'http://inventory:8080';
const RECOMMENDATIONS_URL = process.env.RECOMMENDATIONS_URL || 'http://recommendations:8000';

const router = express.Router();

async function getJson(url) {
  const { statusCode, body } = await request(url);
  if (statusCode === 404) return null;
  if (statusCode >= 400) throw Object.assign(new Error(`${url}: ${statusCode}`), { status: 502 });
  return body.json();
}

router.get('/', async (req, res, next) => {
  try {
    const page = Number(req.query.page || 1);
    res.json(await getJson(`${CATALOG_URL}/products?page=${page}`));
  } catch (err) {
    next(err);
  }
});

router.get('/:sku', async (req, res, next) => {
  try {
    const { sku } = req.params;
    const [product, stock, similar] = await Promise.all([
      getJson(`${CATALOG_URL}/products/${encodeURIComponent(sku)}`),
      getJson(`${INVENTORY_URL}/stock/${encodeURIComponent(sku)}`),
      getJson(`${RECOMMENDATIONS_URL}/products/${encodeURIComponent(sku)}/similar?limit=6`),
    ]);
    if (!product) return res.status(404).json({ error: 'not found' });
    events.productViewed(req.get('x-customer-id'), sku);
    res.json({ ...product, available: stock ? stock.available : 0, similar: similar ? similar.similar : [] });
  } catch (err) {
    next(err);
  }
});

module.exports = router;
