Datadog.configure do |c|
  c.tracing.instrument :rails # expect: entrypoints-ruby
  c.tracing.instrument :sidekiq # expect: entrypoints-ruby
  c.tracing.instrument :kafka # expect: entrypoints-ruby
end
