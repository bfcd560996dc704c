using Datadog.Trace;
using Todo.Api;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGrpc();
var app = builder.Build();

app.MapGet("/", () => "todo api"); // expect: entrypoints-dotnet

var v1 = app.MapGroup("/v1").RequireAuthorization();
var todos = v1.MapGroup("/todos");

todos.MapGet("/", TodoHandlers.List); // expect: entrypoints-dotnet
todos.MapGet("/{id}", async (int id, TodoDb db) => // expect: entrypoints-dotnet
    await db.Todos.FindAsync(id) is Todo todo ? Results.Ok(todo) : Results.NotFound());
todos.MapPost("/", CreateTodo); // expect: entrypoints-dotnet
todos.MapPut("/{id}", (int id, Todo input) => Results.NoContent()); // expect: entrypoints-dotnet
todos.MapDelete("/{id}", (int id) => Results.NoContent()); // expect: entrypoints-dotnet
app.MapMethods("/ping", new[] { "GET", "HEAD" }, () => "pong"); // expect: entrypoints-dotnet

app.MapGrpcService<GreeterService>(); // expect: entrypoints-dotnet

app.Run();

static async Task<IResult> CreateTodo(Todo todo, TodoDb db)
{
    using var scope = Tracer.Instance.StartActive("todo.create");
    db.Todos.Add(todo);
    await db.SaveChangesAsync();
    return Results.Created($"/v1/todos/{todo.Id}", todo);
}
