'use strict';

// Background jobs of the storefront process.
const fs = require('node:fs/promises');
const path = require('node:path');

const cron = require('node-cron');
const tracer = require('dd-trace');
const { request } = require('undici');

const CATALOG_URL = process.env.CATALOG_URL || 'http://catalog:8080';

const state = { featured: [] };

// Home page carousel: refreshed from the catalog every ten minutes.
async function refreshFeatured() {
  await tracer.trace('storefront.refresh_featured', { resource: 'refresh_featured' }, async () => {
    const { body } = await request(`${CATALOG_URL}/products?category=featured`);
    state.featured = (await body.json()).items;
  });
}

// Nightly: sitemap of every product page for search engines.
async function rebuildSitemap() {
  const urls = [];
  for (let page = 1; ; page += 1) {
    const { body } = await request(`${CATALOG_URL}/products?page=${page}`);
    const { items } = await body.json();
    if (items.length === 0) break;
    for (const p of items) urls.push(`<url><loc>https://shop.acme.example/products/${p.sku}</loc></url>`);
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`;
  await fs.writeFile(path.join(__dirname, '..', 'public', 'sitemap.xml'), xml);
}

function start() {
  cron.schedule('*/10 * * * *', refreshFeatured);
  cron.schedule('30 3 * * *', rebuildSitemap);
  refreshFeatured().catch((err) => console.error('featured products', err));
}

module.exports = { start, state };
