//! Ruby services: Sinatra on Puma with the pg gem, traced by the `datadog` gem (the retired
//! `ddtrace` gem when outdated).

use std::fmt::Write as _;
use std::io;

use crate::{fill, pascal, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const GEMFILE: &str = r#"source 'https://rubygems.org'

ruby '~> 3.3'

gem 'sinatra', '~> 4.0'
gem 'sinatra-contrib', '~> 4.0'
gem 'puma', '~> 6.4'
gem 'pg', '~> 1.5'
@@tracer@@
group :test do
  gem 'rack-test', '~> 2.1'
  gem 'rspec', '~> 3.13'
end
"#;

const INITIALIZER: &str = r#"# frozen_string_literal: true

require '@@lib@@'

Datadog.configure do |c|
  c.service = ENV.fetch('DD_SERVICE', '@@svc@@')
  c.tracing.instrument :sinatra
  c.tracing.instrument :pg
  c.tracing.log_injection = true
end
"#;

const APP: &str = r#"# frozen_string_literal: true

require 'json'
require 'sinatra/base'
require 'sinatra/json'
require_relative 'lib/store'
@@requires@@
# HTTP API of @@svc@@.
class App < Sinatra::Base
  set :store, Store.new(ENV.fetch('DATABASE_URL', 'postgres://localhost/@@db@@'))

  before { content_type :json }

  helpers do
    def limit_param
      limit = Integer(params.fetch('limit', 50))
      halt 400, json(error: 'limit must be between 1 and 500') unless limit.between?(1, 500)
      limit
    end

    def payload
      body = request.body.read
      body.empty? ? {} : JSON.parse(body)
    end
  end

  get '/healthz' do
    json status: 'ok', service: '@@svc@@'
  end

@@registers@@end
"#;

const ROUTES_HEAD: &str = r#"# frozen_string_literal: true

# Routes for /@@res@@.
module @@Many@@Routes
  def self.registered(app)"#;

const ROUTE: &str = r#"
    # @@method@@ /@@res@@@@suffix@@
    app.@@lmethod@@ '/@@res@@@@path@@' do
      rows = @@call@@
      halt 404, json(error: 'not found') if rows.empty? && params['id']
      logger.info("@@res@@.@@action@@ returned #{rows.size} rows")
      status @@status@@
      json rows
    end
"#;

const STORE_HEAD: &str = r#"# frozen_string_literal: true

require 'json'
require 'pg'

# Postgres access for @@svc@@.
class Store
  def initialize(url)
    @url = url
  end
"#;

const STORE_FN: &str = r#"
  def @@fn@@(id, payload, limit)
    query("@@sql@@", [@@binds@@])
  end
"#;

const STORE_TAIL: &str = r#"
  private

  def connection
    Thread.current[:store_connection] ||= PG.connect(@url)
  end

  def query(sql, params)
    connection.exec_params(sql, params).to_a
  end
end
"#;

const DOCKERFILE: &str = r#"FROM ruby:3.3-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle config set without test && bundle install --jobs 4
COPY . .
USER nobody
EXPOSE 4567
CMD ["bundle", "exec", "puma", "--port", "4567", "config.ru"]
"#;

fn gem(spec: &ServiceSpec) -> (&'static str, &'static str) {
    if spec.tracing == Tracing::Outdated {
        ("ddtrace", "~> 1.23")
    } else {
        ("datadog", "~> 2.3")
    }
}

fn routes(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let many = r.res.many;
    let mut text = fill(ROUTES_HEAD, &[("res", many), ("Many", &pascal(many))]);
    for a in &r.actions {
        let func = a.func(&r.res);
        let plain = format!("settings.store.{func}(params['id'], payload, limit_param)");
        let call = if spec.custom_spans {
            format!("Datadog::Tracing.trace('{many}.{}') {{ {plain} }}", a.name)
        } else {
            plain
        };
        text.push_str(&fill(
            ROUTE,
            &[
                ("method", a.method),
                ("res", many),
                ("suffix", a.suffix),
                ("lmethod", &a.method_lower()),
                ("path", &a.path_with(":id")),
                ("call", &call),
                ("action", a.name),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    text.push_str("  end\nend\n");
    text
}

fn store(spec: &ServiceSpec) -> String {
    let mut text = fill(STORE_HEAD, &[("svc", &spec.name)]);
    for r in &spec.resources {
        for a in &r.actions {
            let sql = a.sql(r.res.many, |_, pos| format!("${pos}"));
            let binds: Vec<&str> = a
                .binds()
                .iter()
                .map(|p| match p {
                    Param::Id => "id",
                    Param::Data => "JSON.generate(payload)",
                    Param::Limit => "limit",
                })
                .collect();
            text.push_str(&fill(
                STORE_FN,
                &[
                    ("fn", &a.func(&r.res)),
                    ("sql", &sql),
                    ("binds", &binds.join(", ")),
                ],
            ));
        }
    }
    text.push_str(STORE_TAIL);
    text
}

/// Write a Ruby service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    let (lib, version) = gem(spec);
    let tracer = if spec.tracing.declared() {
        format!("gem '{lib}', '~> {}'\n", version.trim_start_matches("~> "))
    } else {
        String::new()
    };
    out.file(
        &format!("{dir}/Gemfile"),
        &fill(GEMFILE, &[("tracer", &tracer)]),
    )?;
    out.file(&format!("{dir}/Dockerfile"), DOCKERFILE)?;
    let mut config_ru = String::from("# frozen_string_literal: true\n\n");
    if spec.tracing.initialised() {
        out.file(
            &format!("{dir}/config/initializers/datadog.rb"),
            &fill(INITIALIZER, &[("lib", lib), ("svc", &spec.name)]),
        )?;
        config_ru.push_str("require_relative 'config/initializers/datadog'\n");
    }
    config_ru.push_str("require_relative 'app'\n\nrun App\n");
    out.file(&format!("{dir}/config.ru"), &config_ru)?;
    let mut requires = String::new();
    let mut registers = String::new();
    for r in &spec.resources {
        let _ = writeln!(requires, "require_relative 'routes/{}'", r.res.many);
        let _ = writeln!(registers, "  register {}Routes", pascal(r.res.many));
        out.file(&format!("{dir}/routes/{}.rb", r.res.many), &routes(spec, r))?;
    }
    out.file(
        &format!("{dir}/app.rb"),
        &fill(
            APP,
            &[
                ("requires", &requires),
                ("svc", &spec.name),
                ("db", &spec.db()),
                ("registers", &registers),
            ],
        ),
    )?;
    out.file(&format!("{dir}/lib/store.rb"), &store(spec))
}
