Datadog.configure do |c|
  c.service = "ledger"
  c.tracing.sampling.default_rate = 0.5
end
