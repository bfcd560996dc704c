class ReceiptMailerJob < ApplicationJob # expect: entrypoints-ruby
  queue_as :mailers

  def perform(order)
    ReceiptMailer.with(order: order).receipt.deliver_now
  end
end
