using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Fulfillment.Worker;

public class ShipmentListener
{
    private const string ReturnsQueue = "returns";
    private readonly IModel _channel;

    public ShipmentListener(IModel channel) => _channel = channel;

    public void Start()
    {
        var consumer = new EventingBasicConsumer(_channel);
        consumer.Received += (model, ea) => Process(ea.Body.ToArray());
        _channel.BasicConsume(queue: "shipments", autoAck: false, consumer: consumer); // expect: entrypoints-dotnet
        _channel.BasicConsume(ReturnsQueue, true, consumer); // expect: entrypoints-dotnet
    }

    private void Process(byte[] body) { }
}
