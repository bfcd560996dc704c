class Payments
  def charge(amount)
    Datadog::Tracing.trace('payment.charge', resource: 'charge') do |span| # expect: span-metadata
      span.set_tag('payment.amount', amount) # expect: span-metadata
    end
  end

  def refund
    Datadog::Tracing.trace('payment.refund') do |span|
      span.resource = 'refund' # expect: span-metadata
    end
  end
end
