//! Node.js services: Express in JavaScript, Fastify in TypeScript, both on node-postgres.

use std::fmt::Write as _;
use std::io;

use crate::{camel, fill, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const SERVER_JS: &str = r#"'use strict';
@@first@@
const express = require('express');
const pino = require('pino');
@@late@@
@@requires@@
const log = pino({ level: process.env.LOG_LEVEL || 'info' });
const app = express();
app.use(express.json({ limit: '1mb' }));

app.get('/healthz', (req, res) => res.json({ status: 'ok', service: '@@svc@@' }));
@@mounts@@
app.use((err, req, res, next) => {
  log.error({ err }, 'request failed');
  res.status(err.status || 500).json({ error: err.message });
});

const port = Number(process.env.PORT || 3000);
app.listen(port, () => log.info(`@@svc@@ listening on ${port}`));
"#;

const ROUTES_JS_HEAD: &str = r#"'use strict';

const express = require('express');
@@span_import@@
const db = require('../db');

const router = express.Router();

function parseLimit(req) {
  const limit = Number(req.query.limit || 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw Object.assign(new Error('limit must be between 1 and 500'), { status: 400 });
  }
  return limit;
}
"#;

const ROUTE_JS: &str = r#"
// @@method@@ /@@res@@@@suffix@@
router.@@lmethod@@('@@path@@', async (req, res, next) => {
  try {
    const limit = parseLimit(req);
    const rows = await @@call@@;
    if (rows.length === 0 && req.params.id) {
      return res.status(404).json({ error: 'not found' });
    }
    res.set('x-result-count', String(rows.length));
    return res.status(@@status@@).json(rows);
  } catch (err) {
    return next(err);
  }
});
"#;

const DB_JS_HEAD: &str = r#"'use strict';

const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

async function query(sql, params) {
  const { rows } = await pool.query(sql, params);
  return rows;
}
"#;

const DB_JS_FN: &str = r#"
async function @@fn@@(id, payload, limit) {
  return query(`@@sql@@`, [@@binds@@]);
}
"#;

const TRACER_TS: &str = r#"// Loaded before anything else (see index.ts) so that fastify and pg are instrumented.
import tracer from 'dd-trace';

tracer.init({
  logInjection: true,
  runtimeMetrics: true,
});

export default tracer;
"#;

const INDEX_TS: &str = r#"@@first@@import Fastify from 'fastify';
@@late@@
@@imports@@
const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });

app.get('/healthz', async () => ({ status: 'ok', service: '@@svc@@' }));
@@registers@@
const port = Number(process.env.PORT ?? 3000);
app.listen({ port, host: '0.0.0.0' }).catch((err) => {
  app.log.error(err);
  process.exit(1);
});
"#;

const ROUTES_TS_HEAD: &str = r#"import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
@@span_import@@
import * as db from '../db';

interface Params {
  id?: string;
}

interface Query {
  limit?: string;
}

type Req = FastifyRequest<{ Params: Params; Querystring: Query; Body: Record<string, unknown> }>;

function parseLimit(req: Req): number {
  const limit = Number(req.query.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw Object.assign(new Error('limit must be between 1 and 500'), { statusCode: 400 });
  }
  return limit;
}

export default async function @@name@@(app: FastifyInstance): Promise<void> {"#;

const ROUTE_TS: &str = r#"
  // @@method@@ /@@res@@@@suffix@@
  app.@@lmethod@@('@@path@@', async (req: Req, reply: FastifyReply) => {
    const limit = parseLimit(req);
    const rows = await @@call@@;
    if (rows.length === 0 && req.params.id) {
      return reply.code(404).send({ error: 'not found' });
    }
    req.log.debug({ count: rows.length }, '@@res@@.@@action@@');
    return reply.code(@@status@@).send(rows);
  });
"#;

const DB_TS_HEAD: &str = r#"import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

export type Row = Record<string, unknown>;

async function query(sql: string, params: unknown[]): Promise<Row[]> {
  const result = await pool.query(sql, params);
  return result.rows as Row[];
}
"#;

const DB_TS_FN: &str = r#"
export async function @@fn@@(
  id: string | undefined,
  payload: Record<string, unknown>,
  limit: number,
): Promise<Row[]> {
  return query(`@@sql@@`, [@@binds@@]);
}
"#;

const DOCKERFILE_JS: &str = r#"FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY src ./src
ENV NODE_ENV=production
USER node
EXPOSE 3000
CMD [@@cmd@@]
"#;

const DOCKERFILE_TS: &str = r#"FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/index.js"]
"#;

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "target": "ES2022",
    "module": "commonjs",
    "outDir": "dist",
    "rootDir": "src",
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true
  },
  "include": ["src"]
}
"#;

fn dd_trace_version(spec: &ServiceSpec) -> Option<&'static str> {
    match spec.tracing {
        Tracing::Missing => None,
        Tracing::Outdated => Some("^3.33.0"),
        _ => Some("^5.24.0"),
    }
}

/// Initialised JavaScript services preload the tracer from the command line, or require it first.
fn preloads(spec: &ServiceSpec) -> bool {
    matches!(spec.tracing, Tracing::Correct | Tracing::Outdated) && spec.launcher_init
}

fn package_json(spec: &ServiceSpec, typescript: bool) -> String {
    let mut deps: Vec<(String, String)> = vec![("pg".into(), "^8.13.1".into())];
    if typescript {
        deps.push(("fastify".into(), "^5.1.0".into()));
    } else {
        deps.push(("express".into(), "^4.21.1".into()));
        deps.push(("pino".into(), "^9.5.0".into()));
    }
    if let Some(v) = dd_trace_version(spec) {
        deps.push(("dd-trace".into(), v.into()));
    }
    deps.sort();
    let list = |deps: &[(String, String)]| {
        deps.iter()
            .map(|(n, v)| format!("    \"{n}\": \"{v}\""))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let scripts = if typescript {
        "    \"build\": \"tsc -p tsconfig.json\",\n    \"start\": \"node dist/index.js\",\n    \"test\": \"vitest run\"".to_string()
    } else {
        let start = if preloads(spec) {
            "node --require dd-trace/init src/server.js"
        } else {
            "node src/server.js"
        };
        format!("    \"start\": \"{start}\",\n    \"test\": \"node --test\"")
    };
    let mut text = String::new();
    let _ = write!(
        text,
        "{{\n  \"name\": \"@acme/{}\",\n  \"version\": \"{}\",\n  \"private\": true,\n  \"scripts\": {{\n{scripts}\n  }},\n  \"dependencies\": {{\n{}\n  }}",
        spec.name,
        spec.version,
        list(&deps)
    );
    if typescript {
        let dev = vec![
            ("@types/node".to_string(), "^20.16.0".to_string()),
            ("@types/pg".to_string(), "^8.11.10".to_string()),
            ("typescript".to_string(), "^5.6.3".to_string()),
            ("vitest".to_string(), "^2.1.4".to_string()),
        ];
        let _ = write!(text, ",\n  \"devDependencies\": {{\n{}\n  }}", list(&dev));
    }
    text.push_str("\n}\n");
    text
}

fn call(spec: &ServiceSpec, r: &ResourceSpec, a: &crate::Action, body: &str) -> String {
    let func = camel(&a.func(&r.res));
    let plain = format!("db.{func}(req.params.id, {body}, limit)");
    if spec.custom_spans {
        format!("tracer.trace('{}.{}', () => {plain})", r.res.many, a.name)
    } else {
        plain
    }
}

fn db_binds(a: &crate::Action) -> String {
    a.binds()
        .iter()
        .map(|p| match p {
            Param::Id => "id",
            Param::Data => "JSON.stringify(payload)",
            Param::Limit => "limit",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn routes_js(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let span_import = if spec.custom_spans {
        "const tracer = require('dd-trace');"
    } else {
        ""
    };
    let mut text = fill(ROUTES_JS_HEAD, &[("span_import", span_import)]);
    for a in &r.actions {
        let path = match a.path_with(":id") {
            p if p.is_empty() => "/".to_string(),
            p => p,
        };
        text.push_str(&fill(
            ROUTE_JS,
            &[
                ("method", a.method),
                ("res", r.res.many),
                ("suffix", a.suffix),
                ("lmethod", &a.method_lower()),
                ("path", &path),
                ("call", &call(spec, r, a, "req.body || {}")),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    text.push_str("\nmodule.exports = router;\n");
    text
}

fn db_js(spec: &ServiceSpec) -> String {
    let mut text = DB_JS_HEAD.to_string();
    let mut names = Vec::new();
    for r in &spec.resources {
        for a in &r.actions {
            let func = camel(&a.func(&r.res));
            let sql = a.sql(r.res.many, |_, pos| format!("${pos}"));
            text.push_str(&fill(
                DB_JS_FN,
                &[("fn", &func), ("sql", &sql), ("binds", &db_binds(a))],
            ));
            names.push(func);
        }
    }
    text.push_str("\nmodule.exports = {\n");
    for n in names {
        let _ = writeln!(text, "  {n},");
    }
    text.push_str("};\n");
    text
}

fn server_js(spec: &ServiceSpec) -> String {
    let init = "require('dd-trace').init({ logInjection: true });\n";
    let (first, late) = match spec.tracing {
        Tracing::LateInit => ("", init),
        Tracing::Correct | Tracing::Outdated if !preloads(spec) => (init, ""),
        _ => ("", ""),
    };
    let mut requires = String::new();
    let mut mounts = String::new();
    for r in &spec.resources {
        let var = camel(r.res.many);
        let _ = writeln!(
            requires,
            "const {var} = require('./routes/{}');",
            r.res.many
        );
        let _ = writeln!(mounts, "app.use('/{}', {var});", r.res.many);
    }
    fill(
        SERVER_JS,
        &[
            ("first", first),
            ("late", late),
            ("requires", &requires),
            ("svc", &spec.name),
            ("mounts", &mounts),
        ],
    )
}

/// Write a JavaScript (Express) service.
pub(crate) fn write_javascript(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    out.file(&format!("{dir}/package.json"), &package_json(spec, false))?;
    let cmd = if preloads(spec) {
        "\"node\", \"--require\", \"dd-trace/init\", \"src/server.js\""
    } else {
        "\"node\", \"src/server.js\""
    };
    out.file(
        &format!("{dir}/Dockerfile"),
        &fill(DOCKERFILE_JS, &[("cmd", cmd)]),
    )?;
    out.file(&format!("{dir}/src/server.js"), &server_js(spec))?;
    for r in &spec.resources {
        out.file(
            &format!("{dir}/src/routes/{}.js", r.res.many),
            &routes_js(spec, r),
        )?;
    }
    out.file(&format!("{dir}/src/db.js"), &db_js(spec))
}

fn routes_ts(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let span_import = if spec.custom_spans {
        "import tracer from 'dd-trace';"
    } else {
        ""
    };
    let name = format!("{}Routes", camel(r.res.many));
    let mut text = fill(
        ROUTES_TS_HEAD,
        &[("span_import", span_import), ("name", &name)],
    );
    for a in &r.actions {
        let path = format!("/{}{}", r.res.many, a.path_with(":id"));
        text.push_str(&fill(
            ROUTE_TS,
            &[
                ("method", a.method),
                ("res", r.res.many),
                ("suffix", a.suffix),
                ("lmethod", &a.method_lower()),
                ("path", &path),
                ("call", &call(spec, r, a, "req.body ?? {}")),
                ("action", a.name),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

fn db_ts(spec: &ServiceSpec) -> String {
    let mut text = DB_TS_HEAD.to_string();
    for r in &spec.resources {
        for a in &r.actions {
            let sql = a.sql(r.res.many, |_, pos| format!("${pos}"));
            text.push_str(&fill(
                DB_TS_FN,
                &[
                    ("fn", &camel(&a.func(&r.res))),
                    ("sql", &sql),
                    ("binds", &db_binds(a)),
                ],
            ));
        }
    }
    text
}

fn index_ts(spec: &ServiceSpec) -> String {
    let (first, late) = match spec.tracing {
        Tracing::Correct | Tracing::Outdated => ("import './tracer';\n\n", ""),
        Tracing::LateInit => ("", "import tracer from 'dd-trace';\n\ntracer.init();\n"),
        _ => ("", ""),
    };
    let mut imports = String::new();
    let mut registers = String::new();
    for r in &spec.resources {
        let name = format!("{}Routes", camel(r.res.many));
        let _ = writeln!(imports, "import {name} from './routes/{}';", r.res.many);
        let _ = writeln!(registers, "app.register({name});");
    }
    fill(
        INDEX_TS,
        &[
            ("first", first),
            ("late", late),
            ("imports", &imports),
            ("svc", &spec.name),
            ("registers", &registers),
        ],
    )
}

/// Write a TypeScript (Fastify) service.
pub(crate) fn write_typescript(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    out.file(&format!("{dir}/package.json"), &package_json(spec, true))?;
    out.file(&format!("{dir}/tsconfig.json"), TSCONFIG)?;
    out.file(&format!("{dir}/Dockerfile"), DOCKERFILE_TS)?;
    if matches!(spec.tracing, Tracing::Correct | Tracing::Outdated) {
        out.file(&format!("{dir}/src/tracer.ts"), TRACER_TS)?;
    }
    out.file(&format!("{dir}/src/index.ts"), &index_ts(spec))?;
    for r in &spec.resources {
        out.file(
            &format!("{dir}/src/routes/{}.ts", r.res.many),
            &routes_ts(spec, r),
        )?;
    }
    out.file(&format!("{dir}/src/db.ts"), &db_ts(spec))
}
