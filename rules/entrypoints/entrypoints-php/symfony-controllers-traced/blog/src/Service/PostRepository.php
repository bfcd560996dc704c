<?php

namespace App\Service;

use Doctrine\DBAL\Connection;

class PostRepository
{
    public function __construct(private Connection $db)
    {
    }

    public function latest(int $limit = 20): array
    {
        return $this->db->fetchAllAssociative('SELECT * FROM posts ORDER BY published_at DESC LIMIT ?', [$limit]);
    }

    public function bySlug(string $slug): array
    {
        return $this->db->fetchAssociative('SELECT * FROM posts WHERE slug = ?', [$slug]) ?: [];
    }
}
