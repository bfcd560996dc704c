const axios = require('axios');

test('proxy', async () => {
  const res = await axios.get('http://localhost:3000/proxy/1');
  expect(res.status).toBe(200);
});
