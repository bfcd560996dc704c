require "rails_helper"

RSpec.describe "Accounts", type: :request do
  it "lists accounts" do
    get "/accounts"
    expect(response).to have_http_status(:ok)
  end

  it "creates an account" do
    post "/accounts", params: { account: { name: "cash" } }
    expect(response).to have_http_status(:created)
  end
end
