const express = require('express');
const { Pool } = require('pg');
const logger = require('pino')();

const pool = new Pool();
const app = express();
app.use(express.json());

app.post('/checkout', async (req, res) => {
  const { cartId } = req.body;
  const { rows } = await pool.query('SELECT total FROM carts WHERE id = $1', [cartId]);
  logger.info({ cartId }, 'checkout');
  res.json({ cartId, total: rows[0].total });
});

app.listen(process.env.PORT || 3000);
