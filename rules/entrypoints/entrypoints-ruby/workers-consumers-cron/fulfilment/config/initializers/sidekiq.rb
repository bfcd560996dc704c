Sidekiq.configure_server do |config|
  config.redis = { url: ENV.fetch("REDIS_URL", "redis://redis:6379/1") }

  config.on(:startup) do
    Sidekiq::Cron::Job.create(name: "reindex-nightly", cron: "0 3 * * *", class: "Search::ReindexWorker") # expect: entrypoints-ruby
  end
end
