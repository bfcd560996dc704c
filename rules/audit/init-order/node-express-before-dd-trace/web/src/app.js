'use strict';

const express = require('express');
const { MongoClient } = require('mongodb');
const tracer = require('dd-trace').init({ logInjection: true }); // expect: init-order

const client = new MongoClient(process.env.MONGO_URL);
const app = express();

app.get('/users/:id', async (req, res) => {
  const user = await client.db('web').collection('users').findOne({ _id: req.params.id });
  tracer.scope().active()?.setTag('user.found', Boolean(user));
  res.json(user);
});

app.listen(8080);
