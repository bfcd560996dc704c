# frozen_string_literal: true

require 'pg'
require 'securerandom'

# Postgres-backed account storage.
class AccountStore
  def initialize(url)
    @url = url
  end

  def find(id)
    row = query('SELECT * FROM accounts WHERE id = $1', [id]).first
    row && symbolize(row)
  end

  def find_by_email(email)
    row = query('SELECT * FROM accounts WHERE lower(email) = lower($1)', [email]).first
    row && symbolize(row)
  end

  def create(email:, name:, password_digest:)
    row = query(
      'INSERT INTO accounts (email, name, password_digest) VALUES ($1, $2, $3) RETURNING *',
      [email, name, password_digest]
    ).first
    symbolize(row)
  end

  def issue_token(account_id)
    token = SecureRandom.urlsafe_base64(32)
    query("INSERT INTO sessions (token, account_id, expires_at) VALUES ($1, $2, now() + interval '30 days')",
          [token, account_id])
    token
  end

  # Returns the number of sessions deleted.
  def purge_expired_sessions
    connection.exec('DELETE FROM sessions WHERE expires_at < now()').cmd_tuples
  end

  private

  def connection
    Thread.current[:accounts_pg] ||= PG.connect(@url)
  end

  def query(sql, params)
    connection.exec_params(sql, params).to_a
  end

  def symbolize(row)
    row.transform_keys(&:to_sym)
  end
end
