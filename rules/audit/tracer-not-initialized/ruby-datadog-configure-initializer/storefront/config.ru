require "datadog"
require_relative "app"

Datadog.configure do |c|
  c.service = "storefront"
  c.tracing.instrument :sinatra
end

run Storefront
