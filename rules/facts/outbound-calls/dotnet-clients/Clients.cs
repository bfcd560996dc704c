using Confluent.Kafka;
using Grpc.Net.Client;

namespace Checkout;

public class Clients
{
    private readonly HttpClient _http;
    private readonly IProducer<string, string> _producer;

    public Clients(HttpClient http, IProducer<string, string> producer)
    {
        _http = http;
        _http.BaseAddress = new Uri("http://orders:8080/"); // expect: outbound-calls
        _producer = producer;
    }

    public Task<string> GetUser(int id) => _http.GetStringAsync($"http://users:5000/users/{id}"); // expect: outbound-calls

    public GrpcChannel Inventory() => GrpcChannel.ForAddress("http://inventory:5001"); // expect: outbound-calls

    public Task Publish(string orderId) =>
        _producer.ProduceAsync("orders", new Message<string, string> { Key = orderId, Value = "created" }); // expect: outbound-calls
}
