const express = require('express');
const { Pool } = require('pg');

const pool = new Pool();
const app = express();
app.use(express.json());

app.post('/checkout', async (req, res) => {
  const { cartId } = req.body;
  const { rows } = await pool.query('SELECT total FROM carts WHERE id = $1', [cartId]);
  res.json({ cartId, total: rows[0].total });
});

app.listen(process.env.PORT || 3000);
