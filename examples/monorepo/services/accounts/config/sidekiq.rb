# frozen_string_literal: true

# Boot file of the Sidekiq process: `bundle exec sidekiq -r ./config/sidekiq.rb`.
require_relative 'datadog'
require_relative '../workers/welcome_email_worker'
require_relative '../workers/purge_sessions_worker'

Sidekiq.configure_server do |config|
  config.redis = { url: ENV.fetch('REDIS_URL', 'redis://localhost:6379/1') }
end

Sidekiq.configure_client do |config|
  config.redis = { url: ENV.fetch('REDIS_URL', 'redis://localhost:6379/1') }
end

Mail.defaults do
  delivery_method :smtp, address: ENV.fetch('SMTP_HOST', 'localhost'), port: Integer(ENV.fetch('SMTP_PORT', '1025'))
end
