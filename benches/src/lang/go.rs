//! Go services: gin (variant 0) or echo (variant 1), pgx, dd-trace-go v2 (v1 when outdated).

use std::fmt::Write as _;
use std::io;

use crate::{camel, fill, pascal, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const MAIN: &str = r#"// Command @@svc@@ serves the @@svc@@ HTTP API.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

@@imports@@)

func main() {
@@start@@	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	s, err := newStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatalf("connect to database: %v", err)
	}
	defer s.close()

@@router@@
	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("listen: %v", err)
		}
	}()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Printf("shutdown: %v", err)
	}
}
"#;

const GIN_ROUTER: &str = r#"	r := gin.New()
	r.Use(gin.Recovery()@@middleware@@)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
@@mounts@@"#;

const ECHO_ROUTER: &str = r#"	r := echo.New()
	r.HideBanner = true
	r.Use(middleware.Recover()@@middleware@@)
	r.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
@@mounts@@"#;

const GIN_HEAD: &str = r#"package main

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
@@span_import@@)

// register@@Many@@ mounts the /@@res@@ routes.
func register@@Many@@(g *gin.RouterGroup, s *store) {
@@routes@@}
"#;

const GIN_HANDLER: &str = r#"
// @@fn@@ handles @@method@@ /@@res@@@@suffix@@.
func @@fn@@(c *gin.Context, s *store) {
	ctx := c.Request.Context()
@@span@@	limit, err := strconv.Atoi(c.DefaultQuery("limit", "50"))
	if err != nil || limit < 1 || limit > 500 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "limit must be between 1 and 500"})
		return
	}
	var payload map[string]any
	if c.Request.ContentLength > 0 {
		if err := c.ShouldBindJSON(&payload); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
	}
	rows, err := s.@@fn@@(ctx, c.Param("id"), payload, limit)
	switch {
	case errors.Is(err, errNotFound):
		c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
	case err != nil:
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
	default:
		c.JSON(@@status@@, rows)
	}
}
"#;

const ECHO_HEAD: &str = r#"package main

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
@@span_import@@)

// register@@Many@@ mounts the /@@res@@ routes.
func register@@Many@@(g *echo.Group, s *store) {
@@routes@@}
"#;

const ECHO_HANDLER: &str = r#"
// @@fn@@ handles @@method@@ /@@res@@@@suffix@@.
func @@fn@@(s *store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
@@span@@		limit := 50
		if q := c.QueryParam("limit"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 1 || n > 500 {
				return echo.NewHTTPError(http.StatusBadRequest, "limit must be between 1 and 500")
			}
			limit = n
		}
		var payload map[string]any
		if c.Request().ContentLength > 0 {
			if err := c.Bind(&payload); err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, err.Error())
			}
		}
		rows, err := s.@@fn@@(ctx, c.Param("id"), payload, limit)
		if errors.Is(err, errNotFound) {
			return echo.NewHTTPError(http.StatusNotFound, "not found")
		}
		if err != nil {
			return err
		}
		return c.JSON(@@status@@, rows)
	}
}
"#;

const STORE_HEAD: &str = r#"package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

var errNotFound = errors.New("not found")

// store runs the service's queries on Postgres.
type store struct {
	pool *pgxpool.Pool
}

func newStore(ctx context.Context, url string) (*store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	return &store{pool: pool}, nil
}

func (s *store) close() {
	s.pool.Close()
}

func (s *store) query(ctx context.Context, sql string, args ...any) ([]map[string]any, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		values, err := rows.Values()
		if err != nil {
			return nil, err
		}
		row := make(map[string]any, len(values))
		for i, f := range rows.FieldDescriptions() {
			row[f.Name] = values[i]
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
"#;

const STORE_FN: &str = r#"
// @@fn@@ runs the @@action@@ statement on @@res@@.
func (s *store) @@fn@@(ctx context.Context, id string, payload map[string]any, limit int) ([]map[string]any, error) {
	rows, err := s.query(ctx, `@@sql@@`, @@binds@@)
	if err != nil {
		return nil, fmt.Errorf("@@res@@.@@action@@: %w", err)
	}
	if len(rows) == 0 && id != "" {
		return nil, errNotFound
	}
	return rows, nil
}
"#;

const DOCKERFILE: &str = r#"FROM golang:1.23 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/@@svc@@ .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/@@svc@@ /@@svc@@
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/@@svc@@"]
"#;

fn v1(spec: &ServiceSpec) -> bool {
    spec.tracing == Tracing::Outdated
}

fn tracer_pkg(spec: &ServiceSpec) -> &'static str {
    if v1(spec) {
        "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
    } else {
        "github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
    }
}

fn contrib_pkg(spec: &ServiceSpec) -> &'static str {
    match (v1(spec), spec.variant) {
        (true, 0) => "gopkg.in/DataDog/dd-trace-go.v1/contrib/gin-gonic/gin",
        (true, _) => "gopkg.in/DataDog/dd-trace-go.v1/contrib/labstack/echo.v4",
        (false, 0) => "github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2",
        (false, _) => "github.com/DataDog/dd-trace-go/contrib/labstack/echo.v4/v2",
    }
}

fn go_mod(spec: &ServiceSpec) -> String {
    let mut deps: Vec<String> = vec!["github.com/jackc/pgx/v5 v5.7.1".into()];
    deps.push(if spec.variant == 0 {
        "github.com/gin-gonic/gin v1.10.0".into()
    } else {
        "github.com/labstack/echo/v4 v4.12.0".into()
    });
    match spec.tracing {
        Tracing::Missing => {}
        Tracing::Outdated => deps.push("gopkg.in/DataDog/dd-trace-go.v1 v1.64.1".into()),
        _ => {
            deps.push("github.com/DataDog/dd-trace-go/v2 v2.0.1".into());
            let contrib = contrib_pkg(spec);
            deps.push(format!("{contrib} v2.0.1"));
        }
    }
    deps.sort();
    let mut text = format!(
        "module github.com/acme/{}\n\ngo 1.23\n\nrequire (\n",
        spec.name
    );
    for d in deps {
        let _ = writeln!(text, "\t{d}");
    }
    text.push_str(")\n");
    text
}

fn main_go(spec: &ServiceSpec) -> String {
    let traced = spec.tracing.initialised();
    let mut imports = String::new();
    if traced {
        let _ = writeln!(imports, "\tddcontrib \"{}\"", contrib_pkg(spec));
        let _ = writeln!(imports, "\t\"{}\"", tracer_pkg(spec));
    }
    if spec.variant == 0 {
        imports.push_str("\t\"github.com/gin-gonic/gin\"\n");
    } else {
        imports.push_str(
            "\t\"github.com/labstack/echo/v4\"\n\t\"github.com/labstack/echo/v4/middleware\"\n",
        );
    }
    let start = match spec.tracing {
        Tracing::Correct | Tracing::Outdated => {
            "\ttracer.Start(tracer.WithRuntimeMetrics(), tracer.WithLogStartup(false))\n\tdefer tracer.Stop()\n\n"
        }
        Tracing::LateInit => "\ttracer.Start(tracer.WithRuntimeMetrics())\n\n",
        _ => "",
    };
    let middleware = match (traced, spec.variant) {
        (false, _) => String::new(),
        (true, 0) => format!(", ddcontrib.Middleware(\"{}\")", spec.name),
        (true, _) => ", ddcontrib.Middleware()".to_string(),
    };
    let mut mounts = String::new();
    for r in &spec.resources {
        let _ = writeln!(
            mounts,
            "\tregister{}(r.Group(\"/{}\"), s)",
            pascal(r.res.many),
            r.res.many
        );
    }
    let router = fill(
        if spec.variant == 0 {
            GIN_ROUTER
        } else {
            ECHO_ROUTER
        },
        &[("middleware", &middleware), ("mounts", &mounts)],
    );
    fill(
        MAIN,
        &[
            ("svc", &spec.name),
            ("imports", &imports),
            ("start", start),
            ("router", &router),
        ],
    )
}

fn status_const(code: u16) -> &'static str {
    match code {
        201 => "http.StatusCreated",
        204 => "http.StatusNoContent",
        _ => "http.StatusOK",
    }
}

fn handlers(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let many = r.res.many;
    let span_import = if spec.custom_spans {
        format!("\n\t\"{}\"\n", tracer_pkg(spec))
    } else {
        String::new()
    };
    let mut routes = String::new();
    let mut body = String::new();
    for a in &r.actions {
        let func = camel(&a.func(&r.res));
        let path = a.path_with(":id");
        if spec.variant == 0 {
            let _ = writeln!(
                routes,
                "\tg.{}(\"{path}\", func(c *gin.Context) {{ {func}(c, s) }})",
                a.method
            );
        } else {
            let _ = writeln!(routes, "\tg.{}(\"{path}\", {func}(s))", a.method);
        }
        let span = if spec.custom_spans {
            let indent = if spec.variant == 0 { "\t" } else { "\t\t" };
            format!(
                "{indent}span, ctx := tracer.StartSpanFromContext(ctx, \"{many}.{}\")\n{indent}defer span.Finish()\n",
                a.name
            )
        } else {
            String::new()
        };
        body.push_str(&fill(
            if spec.variant == 0 {
                GIN_HANDLER
            } else {
                ECHO_HANDLER
            },
            &[
                ("fn", &func),
                ("method", a.method),
                ("res", many),
                ("suffix", a.suffix),
                ("span", &span),
                ("status", status_const(a.status)),
            ],
        ));
    }
    let head = fill(
        if spec.variant == 0 {
            GIN_HEAD
        } else {
            ECHO_HEAD
        },
        &[
            ("span_import", &span_import),
            ("Many", &pascal(many)),
            ("res", many),
            ("routes", &routes),
        ],
    );
    head + body.as_str()
}

fn store(spec: &ServiceSpec) -> String {
    let mut text = STORE_HEAD.to_string();
    for r in &spec.resources {
        for a in &r.actions {
            let sql = a.sql(r.res.many, |_, pos| format!("${pos}"));
            let binds: Vec<&str> = a
                .binds()
                .iter()
                .map(|p| match p {
                    Param::Id => "id",
                    Param::Data => "payload",
                    Param::Limit => "limit",
                })
                .collect();
            text.push_str(&fill(
                STORE_FN,
                &[
                    ("fn", &camel(&a.func(&r.res))),
                    ("action", a.name),
                    ("res", r.res.many),
                    ("sql", &sql),
                    ("binds", &binds.join(", ")),
                ],
            ));
        }
    }
    text
}

/// Write a Go service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    out.file(&format!("{dir}/go.mod"), &go_mod(spec))?;
    out.file(
        &format!("{dir}/Dockerfile"),
        &fill(DOCKERFILE, &[("svc", &spec.name)]),
    )?;
    out.file(&format!("{dir}/main.go"), &main_go(spec))?;
    for r in &spec.resources {
        out.file(
            &format!("{dir}/handlers_{}.go", r.res.many),
            &handlers(spec, r),
        )?;
    }
    out.file(&format!("{dir}/store.go"), &store(spec))
}
