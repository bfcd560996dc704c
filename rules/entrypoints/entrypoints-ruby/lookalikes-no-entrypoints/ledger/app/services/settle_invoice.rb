# A service object: `perform` without Sidekiq or ActiveJob is a plain method.
class SettleInvoice
  def initialize(invoice)
    @invoice = invoice
  end

  def perform
    Datadog::Tracing.trace("ledger.settle") do
      @invoice.update!(settled_at: Time.current)
    end
  end
end
