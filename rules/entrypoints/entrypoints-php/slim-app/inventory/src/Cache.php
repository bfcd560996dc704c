<?php

namespace App;

use Psr\SimpleCache\CacheInterface;

final class Cache
{
    public function __construct(private CacheInterface $cache)
    {
    }

    public function remember(string $key, callable $fn)
    {
        $hit = $this->cache->get('/items/' . $key);
        if ($hit !== null) {
            return $hit;
        }
        $value = $fn();
        $this->cache->delete('/items');
        return $value;
    }
}
