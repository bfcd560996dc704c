var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHttpClient("ledger", c => c.BaseAddress = new Uri("http://ledger:8000"));
var app = builder.Build();

app.MapPost("/bills/{id}/pay", async (string id, IHttpClientFactory factory) =>
{
    var resp = await factory.CreateClient("ledger").PostAsync($"/entries/{id}", null);
    return Results.StatusCode((int)resp.StatusCode);
});

app.Run();
