const tracer = require('dd-trace').init()

function addToCart(cart, item) {
  return tracer.trace('cart.add', { resource: 'POST /cart' }, (span) => { // expect: span-metadata
    span.setTag('cart.size', cart.items.length) // expect: span-metadata
    span.addTags({ 'cart.total': cart.total }) // expect: span-metadata
    return cart.push(item)
  })
}

const checkout = (cart) => {
  const span = tracer.startSpan('cart.checkout', { tags: { currency: cart.currency } }) // expect: span-metadata
  span.finish()
}

module.exports = { addToCart, checkout }
