"""Recently viewed products per customer, in Redis."""

import redis


class RecentViews:
    def __init__(self, url):
        self.redis = redis.Redis.from_url(url, decode_responses=True)

    def record(self, customer_id, sku):
        key = f"views:{customer_id}"
        pipe = self.redis.pipeline()
        pipe.lpush(key, sku)
        pipe.ltrim(key, 0, 99)
        pipe.expire(key, 60 * 60 * 24 * 30)
        pipe.execute()

    def recent(self, customer_id, n):
        return self.redis.lrange(f"views:{customer_id}", 0, n - 1)

    def forget(self, sku):
        """Remove a product from every customer's history (it left the catalog)."""
        for key in self.redis.scan_iter("views:*", count=500):
            self.redis.lrem(key, 0, sku)
