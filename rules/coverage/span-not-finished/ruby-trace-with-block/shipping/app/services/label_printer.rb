class LabelPrinter
  def initialize(carrier)
    @carrier = carrier
  end

  def print(shipment)
    Datadog::Tracing.trace("shipping.print_label") do |span|
      span.set_tag("shipment.id", shipment.id)
      @carrier.print_label(shipment.tracking_number)
    end
  end

  def void(shipment)
    span = Datadog::Tracing.trace("shipping.void_label")
    begin
      @carrier.void_label(shipment.tracking_number)
    ensure
      span.finish
    end
  end
end
