Datadog.configure do |c|
  c.service = "billing"
  c.tracing.instrument :rails
  c.tracing.instrument :sidekiq
end
