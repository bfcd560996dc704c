# frozen_string_literal: true

require 'sidekiq'
require_relative '../lib/account_store'

# Deletes expired sessions; enqueued hourly by the platform scheduler (PurgeSessionsWorker.perform_async).
class PurgeSessionsWorker
  include Sidekiq::Job
  sidekiq_options queue: 'maintenance', retry: false

  def perform
    Datadog::Tracing.trace('accounts.purge_sessions', resource: 'PurgeSessionsWorker') do |span|
      deleted = AccountStore.new(ENV.fetch('ACCOUNTS_DATABASE_URL')).purge_expired_sessions
      span.set_tag('sessions.deleted', deleted)
    end
  end
end
