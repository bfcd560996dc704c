Datadog.configure do |c|
  c.service = "storefront"
  c.tracing.instrument :rails
  c.tracing.instrument :faraday
end
