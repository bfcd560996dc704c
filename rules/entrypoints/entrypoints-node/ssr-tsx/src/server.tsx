import 'dd-trace/init';
import express, { Request, Response } from 'express';
import { renderToString } from 'react-dom/server';
import { App } from './App';

const app = express();

app.get('/api/cart', (req: Request, res: Response) => { // expect: entrypoints-node
  res.json({ items: [] });
});

app.get('*', (req: Request, res: Response) => { // expect: entrypoints-node
  const html = renderToString(<App url={req.url} />);
  res.send(`<!doctype html><div id="root">${html}</div>`);
});

app.listen(3000);
