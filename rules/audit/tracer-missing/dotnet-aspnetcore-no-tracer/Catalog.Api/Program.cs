var builder = WebApplication.CreateBuilder(args);
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen();

var app = builder.Build();
app.UseSwagger();

app.MapGet("/products/{id:int}", (int id) => Results.Ok(new { id, name = $"product-{id}" }));

app.Run();
