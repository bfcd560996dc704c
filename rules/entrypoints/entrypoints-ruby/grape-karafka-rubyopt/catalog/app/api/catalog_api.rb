module Catalog
  class API < Grape::API
    format :json
    prefix :api
    version "v1", using: :path

    resource :products do
      get do # expect: entrypoints-ruby
        Product.limit(50)
      end

      route_param :id do
        get do # expect: entrypoints-ruby
          Product.find(params[:id])
        end

        put :price do # expect: entrypoints-ruby
          Datadog::Tracing.trace("catalog.reprice") { Product.find(params[:id]).reprice!(params[:price]) }
        end
      end
    end
  end
end
