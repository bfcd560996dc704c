# frozen_string_literal: true

require 'ddtrace'

Datadog.configure do |c|
  # Service, env and version come from DD_SERVICE / DD_ENV / DD_VERSION.
  c.tracing.instrument :sinatra
  c.tracing.instrument :pg
  c.tracing.log_injection = true
end
