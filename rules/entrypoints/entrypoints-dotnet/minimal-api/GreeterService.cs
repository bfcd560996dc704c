using Datadog.Trace;
using Grpc.Core;

namespace Todo.Api;

public class GreeterService : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        using var scope = Tracer.Instance.StartActive("greeter.say_hello");
        return Task.FromResult(new HelloReply { Message = "Hello " + request.Name });
    }
}
