require "bunny"

connection = Bunny.new(ENV.fetch("AMQP_URL", "amqp://guest:guest@rabbitmq:5672"))
connection.start
channel = connection.create_channel
returns = channel.queue("returns", durable: true)

returns.subscribe(manual_ack: true, block: true) do |delivery_info, _properties, body| # expect: entrypoints-ruby
  Returns::Handler.new(body).call
  channel.ack(delivery_info.delivery_tag)
end
