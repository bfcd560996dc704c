<?php

declare(strict_types=1);

use AcmeShop\Catalog\ProductRepository;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;
use Slim\Factory\AppFactory;

require __DIR__ . '/../vendor/autoload.php';

$pdo = new PDO(
    getenv('CATALOG_DSN') ?: 'pgsql:host=localhost;dbname=catalog',
    getenv('CATALOG_DB_USER') ?: 'catalog',
    getenv('CATALOG_DB_PASSWORD') ?: '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC],
);
$products = new ProductRepository($pdo);

$app = AppFactory::create();
$app->addBodyParsingMiddleware();
$app->addErrorMiddleware(false, true, true);

function json(Response $response, mixed $data, int $status = 200): Response
{
    $response->getBody()->write(json_encode($data, JSON_THROW_ON_ERROR));
    return $response->withHeader('Content-Type', 'application/json')->withStatus($status);
}

$app->get('/healthz', fn (Request $req, Response $res) => json($res, ['status' => 'ok']));

$app->get('/products', function (Request $req, Response $res) use ($products) {
    $query = $req->getQueryParams();
    $page = max(1, (int) ($query['page'] ?? 1));
    $category = $query['category'] ?? null;
    return json($res, $products->page($page, 24, $category));
});

$app->get('/products/{sku}', function (Request $req, Response $res, array $args) use ($products) {
    $product = $products->find($args['sku']);
    return $product === null ? json($res, ['error' => 'not found'], 404) : json($res, $product);
});

$app->put('/products/{sku}', function (Request $req, Response $res, array $args) use ($products) {
    $body = (array) $req->getParsedBody();
    $products->upsert($args['sku'], (string) $body['name'], (int) $body['price_cents'], $body['category'] ?? null);
    return json($res, $products->find($args['sku']));
});

// Active promotion by code, for the pricing service.
$app->get('/promotions/{code}', function (Request $req, Response $res, array $args) use ($products) {
    $promotion = $products->activePromotion($args['code']);
    return $promotion === null ? json($res, ['error' => 'no such promotion'], 404) : json($res, $promotion);
});

// Nightly supplier feed (thousands of rows): traced by hand so slow imports can be found.
// The span calls are skipped while the ddtrace extension is not installed in the image.
$app->post('/products/import', function (Request $req, Response $res) use ($products) {
    $span = function_exists('DDTrace\start_span') ? \DDTrace\start_span() : null;
    if ($span !== null) {
        $span->name = 'catalog.import';
        $span->resource = 'POST /products/import';
    }
    try {
        $imported = 0;
        foreach ((array) $req->getParsedBody() as $row) {
            $products->upsert((string) $row['sku'], (string) $row['name'], (int) $row['price_cents'], $row['category'] ?? null);
            $imported++;
        }
        if ($span !== null) {
            $span->meta['catalog.imported'] = (string) $imported;
        }
        return json($res, ['imported' => $imported]);
    } finally {
        if ($span !== null) {
            \DDTrace\close_span();
        }
    }
});

$app->run();
