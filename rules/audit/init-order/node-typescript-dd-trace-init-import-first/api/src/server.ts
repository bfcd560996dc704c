import 'dd-trace/init';
import Koa from 'koa';
import Router from '@koa/router';

const app = new Koa();
const router = new Router();

router.get('/healthz', (ctx) => {
  ctx.status = 204;
});

app.use(router.routes());
app.listen(3000);
