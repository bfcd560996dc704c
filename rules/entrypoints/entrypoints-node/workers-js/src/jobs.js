const cron = require('node-cron');
const { reconcile } = require('./reconcile');

cron.schedule('*/5 * * * *', reconcile); // expect: entrypoints-node

cron.schedule('0 3 * * *', async () => { // expect: entrypoints-node
  await purgeExpiredReservations();
}, { timezone: 'Europe/Paris' });

async function purgeExpiredReservations() {}
