Datadog.configure do |c|
  c.service = "storefront"
  c.env = ENV.fetch("DD_ENV", "development")
  c.tracing.instrument :rails # expect: entrypoints-ruby
  c.tracing.instrument :sidekiq, service_name: "storefront-jobs" # expect: entrypoints-ruby
  c.tracing.instrument :pg # expect: entrypoints-ruby
end
