# frozen_string_literal: true

require 'sinatra/base'
require 'sinatra/json'
require 'bcrypt'
require_relative 'lib/account_store'
require_relative 'workers/welcome_email_worker'

# Customer accounts: sign-up, sign-in and profile.
class AccountsApp < Sinatra::Base
  set :store, AccountStore.new(ENV.fetch('ACCOUNTS_DATABASE_URL', 'postgres://accounts@localhost/accounts'))

  before { content_type :json }

  get '/healthz' do
    json status: 'ok'
  end

  post '/accounts' do
    body = JSON.parse(request.body.read)
    halt 422, json(error: 'password too short') if body.fetch('password', '').length < 12
    halt 409, json(error: 'email taken') if settings.store.find_by_email(body['email'])

    digest = BCrypt::Password.create(body['password'])
    account = settings.store.create(email: body['email'], name: body['name'], password_digest: digest)
    WelcomeEmailWorker.perform_async(account[:id])
    status 201
    json account.except(:password_digest)
  end

  post '/sessions' do
    body = JSON.parse(request.body.read)
    account = settings.store.find_by_email(body['email'])
    unless account && BCrypt::Password.new(account[:password_digest]) == body['password']
      halt 401, json(error: 'invalid credentials')
    end
    json token: settings.store.issue_token(account[:id])
  end

  get '/accounts/:id' do
    account = settings.store.find(params[:id])
    halt 404, json(error: 'not found') unless account
    json account.except(:password_digest)
  end
end
