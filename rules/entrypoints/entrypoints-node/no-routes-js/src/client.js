const axios = require('axios');
const { interval } = require('rxjs');

const api = axios.create({ baseURL: 'http://users:3000' });
const cache = new Map();

async function loadUser(id) {
  if (cache.get('/users/' + id)) return cache.get('/users/' + id);
  const res = await api.get('/users/' + id, { timeout: 2000 });
  const orders = await axios.post('/orders/search', { userId: id }, { headers: { 'x-req': '1' } });
  cache.set('/users/' + id, res.data);
  return [res.data, orders.data];
}

const params = new URLSearchParams(window.location.search);
const tab = params.get('tab');

interval(1000).subscribe({ next: () => loadUser(tab) });

const stream = getStream();
stream.consume(chunk => console.log(chunk));

function getStream() { return { consume() {} }; }
