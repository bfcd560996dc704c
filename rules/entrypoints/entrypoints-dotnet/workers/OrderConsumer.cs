using Confluent.Kafka;
using Datadog.Trace;
using Microsoft.Extensions.Hosting;

namespace Fulfillment.Worker;

public sealed class OrderConsumer : BackgroundService
{
    private const string PaymentsTopic = "payments.settled";
    private readonly IConsumer<string, string> _consumer;

    public OrderConsumer(IConsumer<string, string> consumer) => _consumer = consumer;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _consumer.Subscribe("orders"); // expect: entrypoints-dotnet
        while (!stoppingToken.IsCancellationRequested)
        {
            var result = _consumer.Consume(stoppingToken);
            using var scope = Tracer.Instance.StartActive("orders.consume");
            Handle(result.Message.Value);
        }
        return Task.CompletedTask;
    }

    public void StartPayments(IConsumer<string, string> payments)
    {
        payments.Subscribe(new[] { PaymentsTopic, "refunds" }); // expect: entrypoints-dotnet
    }

    private static void Handle(string value) { }
}
