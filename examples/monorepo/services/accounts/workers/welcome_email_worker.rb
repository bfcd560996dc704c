# frozen_string_literal: true

require 'sidekiq'
require 'mail'
require_relative '../lib/account_store'

# Sends the welcome e-mail after sign-up (enqueued by POST /accounts).
class WelcomeEmailWorker
  include Sidekiq::Job
  sidekiq_options queue: 'mailers', retry: 5

  def perform(account_id)
    account = store.find(account_id)
    return unless account

    Mail.deliver do
      from    'Acme Shop <welcome@acme-shop.example>'
      to      account[:email]
      subject "Welcome to Acme Shop, #{account[:name]}"
      body    'Your account is ready. Happy shopping!'
    end
  end

  private

  def store
    @store ||= AccountStore.new(ENV.fetch('ACCOUNTS_DATABASE_URL'))
  end
end
