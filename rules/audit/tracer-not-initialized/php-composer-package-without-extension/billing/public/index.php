<?php

use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;
use Slim\Factory\AppFactory;

require __DIR__ . '/../vendor/autoload.php';

$app = AppFactory::create();
$app->get('/invoices/{id}', function (Request $request, Response $response, array $args) {
    $response->getBody()->write(json_encode(['id' => $args['id'], 'due' => '2024-06-01']));
    return $response->withHeader('Content-Type', 'application/json');
});
$app->run();
