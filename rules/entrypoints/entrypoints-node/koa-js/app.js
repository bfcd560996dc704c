const Koa = require('koa');
const Router = require('@koa/router');

const app = new Koa();
const router = new Router();
const v1 = new Router({ prefix: '/v1' });

router.get('/healthz', (ctx) => { // expect: entrypoints-node
  ctx.body = 'ok';
});

v1
  .get('/notifications/:id', showNotification) // expect: entrypoints-node
  .post('/notifications', async (ctx) => { // expect: entrypoints-node
    ctx.status = 202;
  });

async function showNotification(ctx) {
  ctx.body = { id: ctx.params.id };
}

router.use('/api', v1.routes(), v1.allowedMethods());

app.use(router.routes());
app.listen(8080);
