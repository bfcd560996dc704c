const tracer = require('dd-trace').init()

function add(cart, item) {
  return tracer.trace('cart.add', { resource: 'POST /cart' }, () => cart.push(item))
}

function clear(cart) {
  return tracer.trace('cart.clear', { resource: 'DELETE /cart' }, () => cart.clear())
}

module.exports = { add, clear }
