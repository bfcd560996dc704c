require "sidekiq/web"

Rails.application.routes.draw do
  root "home#index" # expect: entrypoints-ruby

  get "up", to: "rails/health#show", as: :rails_health_check # expect: entrypoints-ruby
  get "/about" => "pages#about" # expect: entrypoints-ruby
  match "search", to: "search#query", via: [:get, :post] # expect: entrypoints-ruby

  resources :orders, only: [:index, :show, :create] do # expect: entrypoints-ruby
    member do
      post :cancel # expect: entrypoints-ruby
    end
    collection do
      get "export" # expect: entrypoints-ruby
    end
    resources :line_items, except: %i[new edit] # expect: entrypoints-ruby
  end

  resource :profile, only: [:show, :update] # expect: entrypoints-ruby

  namespace :api do
    namespace :v1 do
      resources :products # expect: entrypoints-ruby
      get "stock/:sku", to: "stock#show" # expect: entrypoints-ruby
    end
  end

  scope "/admin", module: "admin" do
    delete "sessions/:id", to: "sessions#destroy" # expect: entrypoints-ruby
  end

  mount Sidekiq::Web => "/sidekiq" # expect: entrypoints-ruby
end
