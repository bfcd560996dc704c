require "sinatra/base"
require "json"

class Storefront < Sinatra::Base
  get "/products/:id" do
    content_type :json
    { id: params[:id], price_cents: 1299 }.to_json
  end
end
