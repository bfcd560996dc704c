//! .NET services: ASP.NET Core minimal APIs with Dapper on Npgsql, traced by
//! Datadog.Trace.Bundle and the CLR profiler (Datadog.Trace 1.x when outdated).

use std::fmt::Write as _;
use std::io;

use crate::{fill, pascal, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">

  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <AssemblyName>@@Pkg@@</AssemblyName>
    <RootNamespace>Acme.@@Pkg@@</RootNamespace>
    <Version>@@version@@</Version>
  </PropertyGroup>

  <ItemGroup>
    <PackageReference Include="Dapper" Version="2.1.35" />
@@tracer@@    <PackageReference Include="Microsoft.AspNetCore.OpenApi" Version="8.0.10" />
    <PackageReference Include="Npgsql" Version="8.0.5" />
  </ItemGroup>

</Project>
"#;

const PROGRAM: &str = r#"using Acme.@@Pkg@@.Data;
using Acme.@@Pkg@@.Endpoints;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(
    builder.Configuration.GetConnectionString("Default") ?? "Host=localhost;Database=@@db@@;Username=app"));
@@services@@builder.Services.AddEndpointsApiExplorer();

var app = builder.Build();

app.MapGet("/healthz", () => Results.Ok(new { status = "ok", service = "@@svc@@" }));
@@maps@@
app.Run();
"#;

const ENDPOINTS_HEAD: &str = r#"using Acme.@@Pkg@@.Data;
@@span_using@@
namespace Acme.@@Pkg@@.Endpoints;

public static class @@One@@Endpoints
{
    public static IEndpointRouteBuilder Map@@One@@Endpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/@@res@@");
@@maps@@        return app;
    }
"#;

const ENDPOINT: &str = r#"
    // @@method@@ /@@res@@@@suffix@@
    private static async Task<IResult> @@Fn@@(@@params@@@@One@@Repository repository, int limit = 50)
    {
@@span@@        if (limit < 1 || limit > 500)
        {
            return Results.BadRequest(new { error = "limit must be between 1 and 500" });
        }
        var rows = await repository.@@Fn@@Async(@@id@@, @@payload@@, limit);
@@not_found@@        return Results.Json(rows, statusCode: @@status@@);
    }
"#;

const REPOSITORY_HEAD: &str = r#"using System.Text.Json;
using Dapper;
using Npgsql;

namespace Acme.@@Pkg@@.Data;

public class @@One@@Repository(NpgsqlDataSource db)
{
    private async Task<List<IDictionary<string, object>>> QueryAsync(string sql, object args)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync(sql, args);
        return rows.Select(r => (IDictionary<string, object>)r).ToList();
    }
"#;

const REPOSITORY_FN: &str = r#"
    public Task<List<IDictionary<string, object>>> @@Fn@@Async(string? id, Dictionary<string, object> payload, int limit) =>
        QueryAsync("@@sql@@", new { @@binds@@ });
"#;

const DOCKERFILE: &str = r#"FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY *.csproj .
RUN dotnet restore
COPY . .
RUN dotnet publish -c Release -o /out --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /app
COPY --from=build /out .
@@profiler@@ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "@@Pkg@@.dll"]
"#;

const PROFILER_BUNDLE: &str = r#"ENV CORECLR_ENABLE_PROFILING=1 \
    CORECLR_PROFILER={846F5F1C-F9AE-4B07-969E-05C26BC060D8} \
    CORECLR_PROFILER_PATH=/app/datadog/linux-x64/Datadog.Trace.ClrProfiler.Native.so \
    DD_DOTNET_TRACER_HOME=/app/datadog
"#;

const PROFILER_APM_PACKAGE: &str = r#"ARG TRACER_VERSION=1.31.2
RUN curl -fsSLO https://github.com/DataDog/dd-trace-dotnet/releases/download/v${TRACER_VERSION}/datadog-dotnet-apm_${TRACER_VERSION}_amd64.deb \
    && dpkg -i ./datadog-dotnet-apm_${TRACER_VERSION}_amd64.deb \
    && rm ./datadog-dotnet-apm_${TRACER_VERSION}_amd64.deb
ENV CORECLR_ENABLE_PROFILING=1 \
    CORECLR_PROFILER={846F5F1C-F9AE-4B07-969E-05C26BC060D8} \
    CORECLR_PROFILER_PATH=/opt/datadog/Datadog.Trace.ClrProfiler.Native.so \
    DD_DOTNET_TRACER_HOME=/opt/datadog
"#;

fn endpoints(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let pkg = spec.pascal();
    let one = pascal(r.res.one);
    let mut maps = String::new();
    let mut body = String::new();
    for a in &r.actions {
        let func = pascal(&a.func(&r.res));
        let _ = writeln!(
            maps,
            "        group.Map{}(\"{}\", {func});",
            a.method_title(),
            a.suffix
        );
        let mut params = String::new();
        if a.has_id() {
            params.push_str("string id, ");
        }
        if a.has_body() {
            params.push_str("Dictionary<string, object> payload, ");
        }
        let span = if spec.custom_spans {
            format!(
                "        using var scope = Tracer.Instance.StartActive(\"{}.{}\");\n",
                r.res.many, a.name
            )
        } else {
            String::new()
        };
        let not_found = if a.has_id() {
            "        if (rows.Count == 0)\n        {\n            return Results.NotFound(new { error = \"not found\" });\n        }\n"
        } else {
            ""
        };
        body.push_str(&fill(
            ENDPOINT,
            &[
                ("method", a.method),
                ("res", r.res.many),
                ("suffix", a.suffix),
                ("Fn", &func),
                ("params", &params),
                ("One", &one),
                ("span", &span),
                ("id", if a.has_id() { "id" } else { "null" }),
                (
                    "payload",
                    if a.has_body() {
                        "payload"
                    } else {
                        "new Dictionary<string, object>()"
                    },
                ),
                ("not_found", not_found),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    let span_using = if spec.custom_spans {
        "using Datadog.Trace;\n"
    } else {
        ""
    };
    let mut text = fill(
        ENDPOINTS_HEAD,
        &[
            ("Pkg", &pkg),
            ("span_using", span_using),
            ("One", &one),
            ("res", r.res.many),
            ("maps", &maps),
        ],
    );
    text.push_str(&body);
    text.push_str("}\n");
    text
}

fn repository(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let one = pascal(r.res.one);
    let mut text = fill(REPOSITORY_HEAD, &[("Pkg", &spec.pascal()), ("One", &one)]);
    for a in &r.actions {
        let sql = a.sql(r.res.many, |p, _| {
            if p == Param::Data {
                "@data::jsonb".to_string()
            } else {
                format!("@{}", p.name())
            }
        });
        let binds: Vec<&str> = a
            .binds()
            .iter()
            .map(|p| match p {
                Param::Id => "id",
                Param::Data => "data = JsonSerializer.Serialize(payload)",
                Param::Limit => "limit",
            })
            .collect();
        text.push_str(&fill(
            REPOSITORY_FN,
            &[
                ("Fn", &pascal(&a.func(&r.res))),
                ("sql", &sql),
                ("binds", &binds.join(", ")),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

/// Write a C# service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    let pkg = spec.pascal();
    let tracer = match spec.tracing {
        Tracing::Missing => "",
        Tracing::Outdated => {
            "    <PackageReference Include=\"Datadog.Trace\" Version=\"1.31.2\" />\n"
        }
        _ => "    <PackageReference Include=\"Datadog.Trace.Bundle\" Version=\"3.6.1\" />\n",
    };
    out.file(
        &format!("{dir}/{pkg}.csproj"),
        &fill(
            CSPROJ,
            &[
                ("Pkg", &pkg),
                ("version", &spec.version),
                ("tracer", tracer),
            ],
        ),
    )?;
    let profiler = match spec.tracing {
        Tracing::Correct | Tracing::LateInit => PROFILER_BUNDLE,
        Tracing::Outdated => PROFILER_APM_PACKAGE,
        _ => "",
    };
    out.file(
        &format!("{dir}/Dockerfile"),
        &fill(DOCKERFILE, &[("profiler", profiler), ("Pkg", &pkg)]),
    )?;
    let mut services = String::new();
    let mut maps = String::new();
    for r in &spec.resources {
        let one = pascal(r.res.one);
        let _ = writeln!(services, "builder.Services.AddScoped<{one}Repository>();");
        let _ = writeln!(maps, "app.Map{one}Endpoints();");
        out.file(
            &format!("{dir}/Endpoints/{one}Endpoints.cs"),
            &endpoints(spec, r),
        )?;
        out.file(
            &format!("{dir}/Data/{one}Repository.cs"),
            &repository(spec, r),
        )?;
    }
    out.file(
        &format!("{dir}/Program.cs"),
        &fill(
            PROGRAM,
            &[
                ("Pkg", &pkg),
                ("db", &spec.db()),
                ("services", &services),
                ("svc", &spec.name),
                ("maps", &maps),
            ],
        ),
    )
}
