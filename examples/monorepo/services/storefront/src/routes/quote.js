'use strict';

const express = require('express');
const { request } = require('undici');

const router = express.Router();

// Basket price with volume discounts and promotions, from the pricing service.
router.post('/', async (req, res, next) => {
  try {
    const { statusCode, body } = await request('http://pricing:8080/quotes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: req.body.items, promo_code: req.body.promoCode || '' }),
    });
    res.status(statusCode).json(await body.json());
  } catch (err) {
    next(err);
  }
});

module.exports = router;
