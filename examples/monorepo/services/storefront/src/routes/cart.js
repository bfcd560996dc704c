'use strict';

const express = require('express');
const tracer = require('dd-trace');
const { request } = require('undici');

const CHECKOUT_URL = process.env.CHECKOUT_URL || 'http://checkout:8000';
const router = express.Router();

router.get('/:cartId', async (req, res, next) => {
  try {
    const cart = await tracer.trace('cart.fetch', { resource: `GET /carts/${req.params.cartId}` }, async () => {
      const { statusCode, body } = await request(`${CHECKOUT_URL}/carts/${req.params.cartId}`);
      return { statusCode, json: await body.json() };
    });
    res.status(cart.statusCode).json(cart.json);
  } catch (err) {
    next(err);
  }
});

router.post('/:cartId/items', async (req, res, next) => {
  try {
    const { statusCode, body } = await request(`${CHECKOUT_URL}/carts/${req.params.cartId}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: req.body.sku, quantity: req.body.quantity || 1 }),
    });
    res.status(statusCode).json(await body.json());
  } catch (err) {
    next(err);
  }
});

module.exports = router;
