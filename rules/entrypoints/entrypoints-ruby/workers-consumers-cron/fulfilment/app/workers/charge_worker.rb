class ChargeWorker # expect: entrypoints-ruby
  include Sidekiq::Job
  sidekiq_options queue: "payments", retry: 5

  def perform(order_id)
    Datadog::Tracing.trace("payments.charge", resource: "ChargeWorker") do
      Payments::Charge.new(Order.find(order_id)).call
    end
  end
end
