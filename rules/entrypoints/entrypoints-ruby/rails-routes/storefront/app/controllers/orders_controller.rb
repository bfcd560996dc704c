class OrdersController < ApplicationController
  before_action :authenticate_user!

  def index
    @orders = current_user.orders.order(created_at: :desc).page(params[:page])
  end

  def show
    @order = current_user.orders.find(params[:id])
  end

  def create
    Datadog::Tracing.trace("orders.checkout") do |span|
      span.set_tag("cart.size", cart.items.size)
      @order = Checkout.new(current_user, cart).call
    end
    redirect_to @order
  end

  def cancel
    current_user.orders.find(params[:id]).cancel!
    head :no_content
  end
end
