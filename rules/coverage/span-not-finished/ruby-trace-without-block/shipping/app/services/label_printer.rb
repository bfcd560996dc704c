class LabelPrinter
  def initialize(carrier)
    @carrier = carrier
  end

  def print(shipment)
    span = Datadog::Tracing.trace("shipping.print_label") # expect: span-not-finished
    span.set_tag("shipment.id", shipment.id)
    @carrier.print_label(shipment.tracking_number)
  end

  def void(shipment)
    span = Datadog::Tracing.trace("shipping.void_label") # expect: span-not-finished
    @carrier.void_label(shipment.tracking_number)
    span.finish
  end
end
