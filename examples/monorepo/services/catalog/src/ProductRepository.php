<?php

declare(strict_types=1);

namespace AcmeShop\Catalog;

use PDO;

final class ProductRepository
{
    public function __construct(private readonly PDO $pdo)
    {
    }

    /** @return array{items: list<array<string, mixed>>, page: int} */
    public function page(int $page, int $size, ?string $category): array
    {
        $sql = 'SELECT sku, name, price_cents, category FROM products';
        $params = [];
        if ($category !== null) {
            $sql .= ' WHERE category = :category';
            $params['category'] = $category;
        }
        $sql .= ' ORDER BY name LIMIT :limit OFFSET :offset';
        $stmt = $this->pdo->prepare($sql);
        foreach ($params as $key => $value) {
            $stmt->bindValue($key, $value);
        }
        $stmt->bindValue('limit', $size, PDO::PARAM_INT);
        $stmt->bindValue('offset', ($page - 1) * $size, PDO::PARAM_INT);
        $stmt->execute();
        return ['items' => $stmt->fetchAll(), 'page' => $page];
    }

    /** @return array<string, mixed>|null */
    public function find(string $sku): ?array
    {
        $stmt = $this->pdo->prepare('SELECT sku, name, price_cents, category FROM products WHERE sku = :sku');
        $stmt->execute(['sku' => $sku]);
        $row = $stmt->fetch();
        return $row === false ? null : $row;
    }

    public function upsert(string $sku, string $name, int $priceCents, ?string $category): void
    {
        $stmt = $this->pdo->prepare(
            'INSERT INTO products (sku, name, price_cents, category) VALUES (:sku, :name, :price, :category)
             ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price_cents = EXCLUDED.price_cents,
             category = EXCLUDED.category'
        );
        $stmt->execute(['sku' => $sku, 'name' => $name, 'price' => $priceCents, 'category' => $category]);
    }

    /** @return array{code: string, percent_off: int, min_subtotal_cents: int}|null */
    public function activePromotion(string $code): ?array
    {
        $stmt = $this->pdo->prepare(
            'SELECT code, percent_off, min_subtotal_cents FROM promotions
             WHERE code = :code AND now() BETWEEN starts_at AND ends_at'
        );
        $stmt->execute(['code' => $code]);
        $row = $stmt->fetch();
        return $row === false ? null : $row;
    }
}
