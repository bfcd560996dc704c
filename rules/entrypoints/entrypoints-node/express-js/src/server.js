const tracer = require('dd-trace').init();
const express = require('express');
const { getUser, listUsers } = require('./users');

const app = express();
const api = express.Router();
const admin = express.Router();

app.use(express.json());

app.get('/health', (req, res) => res.send('ok')); // expect: entrypoints-node

api.get('/users', listUsers); // expect: entrypoints-node
api.get('/users/:id', asyncHandler(getUser)); // expect: entrypoints-node
api.post('/users', async (req, res) => { // expect: entrypoints-node
  const span = tracer.startSpan('users.create');
  try {
    res.status(201).json(await createUser(req.body));
  } finally {
    span.finish();
  }
});

admin.delete('/users/:id', requireAdmin, removeUser); // expect: entrypoints-node

app
  .route('/orders/:orderId')
  .get(getOrder) // expect: entrypoints-node
  .put(updateOrder); // expect: entrypoints-node

function removeUser(req, res) {
  return tracer.trace('users.remove', () => res.sendStatus(204));
}

function getOrder(req, res) {
  res.json({ id: req.params.orderId });
}

function updateOrder(req, res) {
  res.sendStatus(204);
}

function requireAdmin(req, res, next) {
  next();
}

function asyncHandler(fn) {
  return (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);
}

api.use('/admin', admin);
app.use('/api/v1', api);

app.listen(process.env.PORT || 3000, () => {
  console.log(`listening, settings env=${app.get('env')}`);
});
