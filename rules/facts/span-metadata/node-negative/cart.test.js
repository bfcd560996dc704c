const tracer = require('dd-trace')
test('cart', () => { tracer.trace('test.op', (span) => span.setTag('test.tag', 1)) })
