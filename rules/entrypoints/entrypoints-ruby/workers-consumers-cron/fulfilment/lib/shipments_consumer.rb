require "kafka"

class ShipmentsConsumer
  def initialize
    @kafka = Kafka.new(["kafka:9092"], client_id: "fulfilment")
  end

  def run
    consumer = @kafka.consumer(group_id: "fulfilment")
    consumer.subscribe("shipments.created") # expect: entrypoints-ruby
    consumer.subscribe("shipments.cancelled", start_from_beginning: false) # expect: entrypoints-ruby
    consumer.each_message do |message|
      Shipments::Handler.new(message.value).call
    end
  end
end
