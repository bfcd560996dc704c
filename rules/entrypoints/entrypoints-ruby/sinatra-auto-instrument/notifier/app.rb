require "sinatra/base"
require "sinatra/namespace"
require "json"

class Notifier < Sinatra::Base
  register Sinatra::Namespace

  get "/health" do # expect: entrypoints-ruby
    "ok"
  end

  post "/notifications" do # expect: entrypoints-ruby
    Datadog::Tracing.trace("notifier.deliver") do
      payload = JSON.parse(request.body.read)
      Delivery.new(payload).call
    end
    status 202
  end

  namespace "/v2" do
    get "/notifications/:id" do |id| # expect: entrypoints-ruby
      json Notification.find(id)
    end
  end

  helpers do
    def get(key)
      settings.cache[key]
    end
  end
end
