//! PHP services: Slim 4 on Apache with PDO, traced by the ddtrace extension installed with
//! datadog-setup.php.

use std::fmt::Write as _;
use std::io;

use crate::{fill, pascal, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const INDEX: &str = r#"<?php

declare(strict_types=1);

@@uses@@use Slim\Factory\AppFactory;

require __DIR__ . '/../vendor/autoload.php';

$pdo = new PDO(
    getenv('DATABASE_DSN') ?: 'pgsql:host=localhost;dbname=@@db@@',
    getenv('DATABASE_USER') ?: 'app',
    getenv('DATABASE_PASSWORD') ?: '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC],
);

$app = AppFactory::create();
$app->addBodyParsingMiddleware();
$app->addErrorMiddleware(false, true, true);

$app->get('/healthz', function ($request, $response) {
    $response->getBody()->write(json_encode(['status' => 'ok', 'service' => '@@svc@@']));
    return $response->withHeader('Content-Type', 'application/json');
});

@@registers@@
$app->run();
"#;

const CONTROLLER_HEAD: &str = r#"<?php

declare(strict_types=1);

namespace Acme\@@Pkg@@\Controller;

use Acme\@@Pkg@@\Repository\@@One@@Repository;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;
use Slim\App;

final class @@One@@Controller
{
    public function __construct(private readonly @@One@@Repository $repository)
    {
    }

    public function register(App $app): void
    {
@@routes@@    }

    private function json(Response $response, mixed $data, int $status): Response
    {
        $response->getBody()->write(json_encode($data, JSON_THROW_ON_ERROR));
        return $response->withHeader('Content-Type', 'application/json')->withStatus($status);
    }

    private function limit(Request $request): int
    {
        $limit = (int) ($request->getQueryParams()['limit'] ?? 50);
        if ($limit < 1 || $limit > 500) {
            throw new \InvalidArgumentException('limit must be between 1 and 500');
        }
        return $limit;
    }
"#;

const ACTION: &str = r#"
    /** @@method@@ /@@res@@@@suffix@@ */
    public function @@fn@@(Request $request, Response $response, array $args): Response
    {
        $rows = $this->repository->@@fn@@(
            $args['id'] ?? null,
            (array) $request->getParsedBody(),
            $this->limit($request),
        );
        if ($rows === [] && isset($args['id'])) {
            return $this->json($response, ['error' => 'not found'], 404);
        }
        return $this->json($response, $rows, @@status@@);
    }
"#;

const REPOSITORY_HEAD: &str = r#"<?php

declare(strict_types=1);

namespace Acme\@@Pkg@@\Repository;

use PDO;

final class @@One@@Repository
{
    public function __construct(private readonly PDO $pdo)
    {
    }

    /** @return list<array<string, mixed>> */
    private function query(string $sql, array $params): array
    {
        $stmt = $this->pdo->prepare($sql);
        $stmt->execute($params);
        return $stmt->fetchAll();
    }
"#;

const REPOSITORY_FN: &str = r#"
    /** @return list<array<string, mixed>> */
    public function @@fn@@(?string $id, array $payload, int $limit): array
    {
        return $this->query("@@sql@@", [@@binds@@]);
    }
"#;

const DOCKERFILE: &str = r#"FROM composer:2 AS vendor
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install --no-dev --no-interaction --prefer-dist --optimize-autoloader

FROM php:8.3-apache
RUN docker-php-ext-install pdo_pgsql \
    && a2enmod rewrite \
    && sed -ri 's!/var/www/html!/var/www/html/public!g' /etc/apache2/sites-available/000-default.conf
@@tracer@@WORKDIR /var/www/html
COPY --from=vendor /app/vendor ./vendor
COPY public ./public
COPY src ./src
EXPOSE 80
"#;

const SETUP: &str = r#"RUN curl -fsSLO https://github.com/DataDog/dd-trace-php/releases/latest/download/datadog-setup.php \
    && php datadog-setup.php --php-bin=all \
    && rm datadog-setup.php
"#;

fn composer_json(spec: &ServiceSpec) -> String {
    let mut require = vec![
        ("php", ">=8.2"),
        ("ext-pdo", "*"),
        ("php-di/php-di", "^7.0"),
        ("slim/psr7", "^1.7"),
        ("slim/slim", "^4.14"),
    ];
    match spec.tracing {
        Tracing::Outdated => require.push(("datadog/dd-trace", "^0.99")),
        Tracing::NotInitialized => require.push(("datadog/dd-trace", "^1.4")),
        _ => {}
    }
    let list: Vec<String> = require
        .iter()
        .map(|(n, v)| format!("        \"{n}\": \"{v}\""))
        .collect();
    format!(
        "{{\n    \"name\": \"acme/{}\",\n    \"type\": \"project\",\n    \"require\": {{\n{}\n    }},\n    \"require-dev\": {{\n        \"phpunit/phpunit\": \"^11.4\"\n    }},\n    \"autoload\": {{\n        \"psr-4\": {{\n            \"Acme\\\\{}\\\\\": \"src/\"\n        }}\n    }}\n}}\n",
        spec.name,
        list.join(",\n"),
        spec.pascal()
    )
}

fn controller(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let one = pascal(r.res.one);
    let mut routes = String::new();
    let mut body = String::new();
    for a in &r.actions {
        let func = crate::camel(&a.func(&r.res));
        let _ = writeln!(
            routes,
            "        $app->{}('/{}{}', [$this, '{func}']);",
            a.method_lower(),
            r.res.many,
            a.suffix
        );
        body.push_str(&fill(
            ACTION,
            &[
                ("method", a.method),
                ("res", r.res.many),
                ("suffix", a.suffix),
                ("fn", &func),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    let mut text = fill(
        CONTROLLER_HEAD,
        &[("Pkg", &spec.pascal()), ("One", &one), ("routes", &routes)],
    );
    text.push_str(&body);
    text.push_str("}\n");
    text
}

fn repository(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let one = pascal(r.res.one);
    let mut text = fill(REPOSITORY_HEAD, &[("Pkg", &spec.pascal()), ("One", &one)]);
    for a in &r.actions {
        let sql = a.sql(r.res.many, |p, _| format!(":{}", p.name()));
        let binds: Vec<&str> = a
            .binds()
            .iter()
            .map(|p| match p {
                Param::Id => "'id' => $id",
                Param::Data => "'data' => json_encode($payload, JSON_THROW_ON_ERROR)",
                Param::Limit => "'limit' => $limit",
            })
            .collect();
        text.push_str(&fill(
            REPOSITORY_FN,
            &[
                ("fn", &crate::camel(&a.func(&r.res))),
                ("sql", &sql),
                ("binds", &binds.join(", ")),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

/// Write a PHP service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    let pkg = spec.pascal();
    out.file(&format!("{dir}/composer.json"), &composer_json(spec))?;
    let tracer = if spec.tracing.initialised() {
        SETUP
    } else {
        ""
    };
    out.file(
        &format!("{dir}/Dockerfile"),
        &fill(DOCKERFILE, &[("tracer", tracer)]),
    )?;
    let mut uses = String::new();
    let mut registers = String::new();
    for r in &spec.resources {
        let one = pascal(r.res.one);
        let _ = writeln!(uses, "use Acme\\{pkg}\\Controller\\{one}Controller;");
        let _ = writeln!(uses, "use Acme\\{pkg}\\Repository\\{one}Repository;");
        let _ = writeln!(
            registers,
            "(new {one}Controller(new {one}Repository($pdo)))->register($app);"
        );
        out.file(
            &format!("{dir}/src/Controller/{one}Controller.php"),
            &controller(spec, r),
        )?;
        out.file(
            &format!("{dir}/src/Repository/{one}Repository.php"),
            &repository(spec, r),
        )?;
    }
    out.file(
        &format!("{dir}/public/index.php"),
        &fill(
            INDEX,
            &[
                ("uses", &uses),
                ("db", &spec.db()),
                ("svc", &spec.name),
                ("registers", &registers),
            ],
        ),
    )
}
