<?php

use App\Action\ListItemsAction;
use App\Action\StockController;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;
use Slim\Factory\AppFactory;
use Slim\Routing\RouteCollectorProxy;

require __DIR__ . '/../vendor/autoload.php';

$app = AppFactory::create();
$container = $app->getContainer();

$app->get('/health', function (Request $request, Response $response) { // expect: entrypoints-php
    $response->getBody()->write('ok');
    return $response;
});

$app->group('/api/v1', function (RouteCollectorProxy $group) {
    $group->get('/items', ListItemsAction::class); // expect: entrypoints-php
    $group->map(['PUT', 'PATCH'], '/items/{sku}/stock', StockController::class . ':update'); // expect: entrypoints-php
    $group->post('/items/{sku}/reserve', function (Request $request, Response $response, array $args) { // expect: entrypoints-php
        $span = \DDTrace\start_span();
        $span->name = 'inventory.reserve';
        $settings = $request->getAttribute('settings');
        \DDTrace\close_span();
        return $response->withStatus(202);
    });
});

$app->any('/legacy/{path:.*}', [StockController::class, 'legacy']); // expect: entrypoints-php

$settings = $container->get('settings');
$app->run();
