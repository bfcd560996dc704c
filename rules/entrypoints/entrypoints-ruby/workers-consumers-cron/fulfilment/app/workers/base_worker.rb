# Shared behaviour for workers: not itself a worker (no Sidekiq include, no perform).
class BaseWorker
  def logger
    Rails.logger
  end

  def with_lock(key)
    Redis.current.set(key, 1, nx: true, ex: 60) && yield
  end
end
