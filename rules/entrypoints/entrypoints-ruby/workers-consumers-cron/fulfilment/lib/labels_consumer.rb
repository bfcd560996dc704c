require "rdkafka"

config = { "bootstrap.servers": "kafka:9092", "group.id": "labels" }
consumer = Rdkafka::Config.new(config).consumer
consumer.subscribe("labels.printed", "labels.voided") # expect: entrypoints-ruby

consumer.each do |message|
  Datadog::Tracing.trace("labels.process") do
    Labels::Handler.new(message.payload).call
  end
end
