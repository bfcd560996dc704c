class KarafkaApp < Karafka::App
  setup do |config|
    config.kafka = { "bootstrap.servers": ENV.fetch("KAFKA_BROKERS", "kafka:9092") }
    config.client_id = "catalog"
  end

  routes.draw do
    topic :price_changes do # expect: entrypoints-ruby
      consumer PriceChangesConsumer
    end

    consumer_group :search do
      topic :products_updated do # expect: entrypoints-ruby
        consumer ProductsUpdatedConsumer
        dead_letter_queue(topic: "dlq", max_retries: 3)
      end
    end
  end
end
