//! Python services: Flask (variant 0) or FastAPI (variant 1), SQLAlchemy, gunicorn/uvicorn.

use std::fmt::Write as _;
use std::io;

use crate::{fill, Output, Param, ServiceSpec, Tracing};

const FLASK_MAIN: &str = r#""""@@svc@@: HTTP API."""
@@first@@
import logging
import os

from flask import Flask, jsonify
@@late@@
@@imports@@
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
app = Flask(__name__)
@@mounts@@

@app.get("/healthz")
def healthz():
    return jsonify(status="ok", service="@@svc@@", version=os.environ.get("DD_VERSION", "dev"))


@app.errorhandler(404)
def not_found(_err):
    return jsonify(error="not found"), 404


@app.errorhandler(500)
def internal_error(err):
    logging.getLogger(__name__).exception("unhandled error: %s", err)
    return jsonify(error="internal error"), 500


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
"#;

const FASTAPI_MAIN: &str = r#""""@@svc@@: HTTP API."""
@@first@@
import logging
import os

from fastapi import FastAPI
@@late@@
@@imports@@
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper())
app = FastAPI(title="@@svc@@", version=os.environ.get("DD_VERSION", "dev"))
@@mounts@@

@app.get("/healthz")
async def healthz():
    return {"status": "ok", "service": "@@svc@@"}
"#;

const FLASK_HANDLERS_HEAD: &str = r#""""HTTP handlers for /@@res@@."""

import logging

from flask import Blueprint, abort, jsonify, request
@@span_import@@
from app import repository

log = logging.getLogger(__name__)
bp = Blueprint("@@res@@", __name__)


def _limit():
    limit = request.args.get("limit", default=50, type=int)
    if limit < 1 or limit > 500:
        abort(400, "limit must be between 1 and 500")
    return limit
"#;

const FLASK_HANDLER: &str = r#"

@bp.route("@@path@@", methods=["@@method@@"])
@@deco@@def @@fn@@(@@params@@):
    """@@method@@ /@@res@@@@suffix@@"""
    payload = request.get_json(silent=True) or {}
    limit = _limit()
    try:
        rows = repository.@@fn@@(item_id=@@id@@, payload=payload, limit=limit)
    except repository.NotFound:
        abort(404)
    except repository.Conflict as err:
        return jsonify(error=str(err)), 409
    log.info("@@res@@.@@action@@ returned %d rows", len(rows))
    return jsonify(rows), @@status@@
"#;

const FASTAPI_HANDLERS_HEAD: &str = r#""""HTTP handlers for /@@res@@."""

import logging
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
@@span_import@@
from app import repository

log = logging.getLogger(__name__)
router = APIRouter(prefix="/@@res@@", tags=["@@res@@"])
"#;

const FASTAPI_HANDLER: &str = r#"

@router.@@lmethod@@("@@path@@", status_code=@@status@@)
@@deco@@async def @@fn@@(
    @@params@@limit: int = Query(50, ge=1, le=500),
    payload: dict[str, Any] | None = Body(None),
):
    """@@method@@ /@@res@@@@suffix@@"""
    try:
        rows = await run_in_threadpool(
            repository.@@fn@@, item_id=@@id@@, payload=payload or {}, limit=limit
        )
    except repository.NotFound:
        raise HTTPException(status_code=404, detail="not found") from None
    except repository.Conflict as err:
        raise HTTPException(status_code=409, detail=str(err)) from err
    log.info("@@res@@.@@action@@ returned %d rows", len(rows))
    return rows
"#;

const REPOSITORY_HEAD: &str = r#""""Data access for @@svc@@."""

import json
import os

from sqlalchemy import create_engine, text

ENGINE = create_engine(
    os.environ.get("DATABASE_URL", "postgresql+psycopg2://app@localhost/@@db@@"),
    pool_size=10,
    pool_pre_ping=True,
)


class NotFound(Exception):
    """No row matched."""


class Conflict(Exception):
    """The change conflicts with the stored state."""


def _query(sql, **params):
    with ENGINE.begin() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]
"#;

const REPOSITORY_FN: &str = r#"

def @@fn@@(item_id=None, payload=None, limit=50):
    rows = _query(
        "@@sql@@",
        @@binds@@,
    )
    if not rows and item_id is not None:
        raise NotFound(item_id)
    return rows
"#;

const DOCKERFILE: &str = r#"FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app/ app/
USER nobody
EXPOSE 8000
CMD [@@cmd@@]
"#;

fn requirements(spec: &ServiceSpec) -> String {
    let mut text = format!("# {} runtime dependencies\n", spec.name);
    if spec.variant == 0 {
        text.push_str("flask==3.0.3\ngunicorn==22.0.0\n");
    } else {
        text.push_str("fastapi==0.115.4\nuvicorn[standard]==0.32.0\npydantic==2.9.2\n");
    }
    text.push_str("sqlalchemy==2.0.36\npsycopg2-binary==2.9.10\nrequests==2.32.3\n");
    match spec.tracing {
        Tracing::Missing => {}
        Tracing::Outdated => text.push_str("ddtrace==1.20.4\n"),
        _ => text.push_str("ddtrace>=4.0,<5\n"),
    }
    text
}

/// Initialised services start with `ddtrace-run` or `import ddtrace.auto`.
fn uses_ddtrace_run(spec: &ServiceSpec) -> bool {
    matches!(spec.tracing, Tracing::Correct | Tracing::Outdated) && spec.launcher_init
}

fn main_module(spec: &ServiceSpec) -> String {
    let auto = "import ddtrace.auto  # noqa: F401\n";
    let (first, late) = match spec.tracing {
        Tracing::LateInit => ("", auto),
        Tracing::Correct | Tracing::Outdated if !uses_ddtrace_run(spec) => (auto, ""),
        _ => ("", ""),
    };
    let mut imports = String::new();
    let mut mounts = String::new();
    for r in &spec.resources {
        let many = r.res.many;
        if spec.variant == 0 {
            let _ = writeln!(imports, "from app.handlers.{many} import bp as {many}_bp");
            let _ = writeln!(
                mounts,
                "app.register_blueprint({many}_bp, url_prefix=\"/{many}\")"
            );
        } else {
            let _ = writeln!(
                imports,
                "from app.handlers.{many} import router as {many}_router"
            );
            let _ = writeln!(mounts, "app.include_router({many}_router)");
        }
    }
    let template = if spec.variant == 0 {
        FLASK_MAIN
    } else {
        FASTAPI_MAIN
    };
    fill(
        template,
        &[
            ("svc", &spec.name),
            ("first", first),
            ("late", late),
            ("imports", &imports),
            ("mounts", &mounts),
        ],
    )
}

fn handlers(spec: &ServiceSpec, r: &crate::ResourceSpec) -> String {
    let many = r.res.many;
    let span_import = if spec.custom_spans {
        "from ddtrace import tracer\n"
    } else {
        ""
    };
    let head = if spec.variant == 0 {
        FLASK_HANDLERS_HEAD
    } else {
        FASTAPI_HANDLERS_HEAD
    };
    let mut text = fill(head, &[("res", many), ("span_import", span_import)]);
    for a in &r.actions {
        let func = a.func(&r.res);
        let deco = if spec.custom_spans {
            format!("@tracer.wrap(\"{many}.{}\")\n", a.name)
        } else {
            String::new()
        };
        let status = a.status.to_string();
        let id = if a.has_id() { "item_id" } else { "None" };
        if spec.variant == 0 {
            let path = match a.path_with("<item_id>") {
                p if p.is_empty() => "/".to_string(),
                p => p,
            };
            let params = if a.has_id() { "item_id" } else { "" };
            text.push_str(&fill(
                FLASK_HANDLER,
                &[
                    ("path", &path),
                    ("method", a.method),
                    ("deco", &deco),
                    ("fn", &func),
                    ("params", params),
                    ("res", many),
                    ("suffix", a.suffix),
                    ("id", id),
                    ("action", a.name),
                    ("status", &status),
                ],
            ));
        } else {
            let params = if a.has_id() {
                "item_id: str,\n    "
            } else {
                ""
            };
            text.push_str(&fill(
                FASTAPI_HANDLER,
                &[
                    ("lmethod", &a.method_lower()),
                    ("path", &a.path_with("{item_id}")),
                    ("status", &status),
                    ("deco", &deco),
                    ("fn", &func),
                    ("params", params),
                    ("method", a.method),
                    ("res", many),
                    ("suffix", a.suffix),
                    ("id", id),
                    ("action", a.name),
                ],
            ));
        }
    }
    text
}

fn repository(spec: &ServiceSpec) -> String {
    let mut text = fill(REPOSITORY_HEAD, &[("svc", &spec.name), ("db", &spec.db())]);
    for r in &spec.resources {
        for a in &r.actions {
            let sql = a.sql(r.res.many, |p, _| format!(":{}", p.name()));
            let binds: Vec<String> = a
                .binds()
                .iter()
                .map(|p| match p {
                    Param::Id => "id=item_id".to_string(),
                    Param::Data => "data=json.dumps(payload or {})".to_string(),
                    Param::Limit => "limit=limit".to_string(),
                })
                .collect();
            text.push_str(&fill(
                REPOSITORY_FN,
                &[
                    ("fn", &a.func(&r.res)),
                    ("sql", &sql),
                    ("binds", &binds.join(", ")),
                ],
            ));
        }
    }
    text
}

fn dockerfile(spec: &ServiceSpec) -> String {
    let mut words: Vec<&str> = Vec::new();
    if uses_ddtrace_run(spec) {
        words.push("ddtrace-run");
    }
    if spec.variant == 0 {
        words.extend([
            "gunicorn",
            "--bind",
            "0.0.0.0:8000",
            "--workers",
            "4",
            "app.main:app",
        ]);
    } else {
        words.extend([
            "uvicorn",
            "app.main:app",
            "--host",
            "0.0.0.0",
            "--port",
            "8000",
        ]);
    }
    let cmd: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    fill(DOCKERFILE, &[("cmd", &cmd.join(", "))])
}

/// Write a Python service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    out.file(&format!("{dir}/requirements.txt"), &requirements(spec))?;
    out.file(&format!("{dir}/Dockerfile"), &dockerfile(spec))?;
    out.file(&format!("{dir}/app/__init__.py"), "")?;
    out.file(&format!("{dir}/app/main.py"), &main_module(spec))?;
    out.file(&format!("{dir}/app/handlers/__init__.py"), "")?;
    for r in &spec.resources {
        out.file(
            &format!("{dir}/app/handlers/{}.py", r.res.many),
            &handlers(spec, r),
        )?;
    }
    out.file(&format!("{dir}/app/repository.py"), &repository(spec))
}
