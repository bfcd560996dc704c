require "rack/test"
require_relative "../app"

RSpec.describe Notifier do
  include Rack::Test::Methods

  def app
    Notifier
  end

  it "answers health checks" do
    get "/health"
    expect(last_response.body).to eq("ok")
  end

  it "accepts notifications" do
    post "/notifications", { to: "a@example.com" }.to_json
    expect(last_response.status).to eq(202)
  end
end
