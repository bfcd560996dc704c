require "faraday"

class RatesClient
  def initialize
    @http = Faraday.new(url: ENV.fetch("RATES_URL", "http://rates:8080"))
  end

  def latest
    @http.get("/rates/latest").body
  end

  def notify(event)
    @http.post("/events") do |req|
      req.body = event.to_json
    end
  end

  def listen
    redis = Redis.new
    redis.subscribe("rates.updated") do |on|
      on.message { |_channel, message| Rails.cache.write("rates", message) }
    end
  end
end

class HistoricalRates
  def initialize(conn)
    @conn = conn
  end

  def fetch(day)
    @conn.get("/rates/#{day}") do |req|
      req.params["base"] = "EUR"
      req.options.timeout = 5
    end
  end
end
