'use strict';

require('dotenv').config();
const tracer = require('dd-trace').init({ logInjection: true });

const path = require('path');
const express = require('express');
const { MongoClient } = require('mongodb');
const routes = require('./routes');

const client = new MongoClient(process.env.MONGO_URL);
const app = express();
app.use(express.static(path.join(__dirname, 'public')));
app.use(routes(client, tracer));

app.listen(8080);
