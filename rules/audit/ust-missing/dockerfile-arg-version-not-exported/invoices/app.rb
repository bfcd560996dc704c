require "sinatra"

get "/invoices/:id" do
  "invoice #{params[:id]}"
end
