<?php

declare(strict_types=1);

namespace App\Controller;

use App\Repository\WarehouseRepository;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;
use Slim\App;

final class WarehouseController
{
    public function __construct(private readonly WarehouseRepository $repository)
    {
    }

    public function register(App $app): void
    {
        $app->get('/warehouses', [$this, 'listWarehouses']); // expect: entrypoints-php
        $app->post('/warehouses/{id}/restock', [$this, 'restock']); // expect: entrypoints-php
    }

    public function listWarehouses(Request $request, Response $response): Response
    {
        $response->getBody()->write(json_encode($this->repository->all(), JSON_THROW_ON_ERROR));
        return $response->withHeader('Content-Type', 'application/json');
    }

    public function restock(Request $request, Response $response, array $args): Response
    {
        $span = \DDTrace\start_span();
        $span->name = 'warehouse.restock';
        $this->repository->restock((int) $args['id']);
        \DDTrace\close_span();
        return $response->withStatus(204);
    }
}
