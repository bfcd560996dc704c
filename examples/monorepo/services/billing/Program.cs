using AcmeShop.Billing;
using Datadog.Trace;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(_ =>
    NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Billing")
        ?? "Host=localhost;Database=billing;Username=billing"));
builder.Services.AddScoped<InvoiceService>();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen();

var app = builder.Build();

if (app.Environment.IsDevelopment())
{
    app.UseSwagger();
    app.UseSwaggerUI();
}

app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));

app.MapGet("/invoices/{id:guid}", async (Guid id, InvoiceService invoices) =>
    await invoices.FindAsync(id) is { } invoice ? Results.Ok(invoice) : Results.NotFound());

app.MapGet("/customers/{customerId}/invoices", async (string customerId, InvoiceService invoices) =>
    Results.Ok(await invoices.ListForCustomerAsync(customerId)));

app.MapPost("/invoices", async (CreateInvoice request, InvoiceService invoices) =>
{
    if (request.Lines.Count == 0)
    {
        return Results.ValidationProblem(new Dictionary<string, string[]>
        {
            ["lines"] = ["an invoice needs at least one line"],
        });
    }
    var invoice = await invoices.CreateAsync(request);
    return Results.Created($"/invoices/{invoice.Id}", invoice);
});

// Voiding is audited by finance: traced explicitly, with the outcome on the span.
app.MapPost("/invoices/{id:guid}/void", async (Guid id, InvoiceService invoices) =>
{
    using var scope = Tracer.Instance.StartActive("invoice.void");
    scope.Span.ResourceName = "POST /invoices/{id}/void";
    var voided = await invoices.VoidAsync(id);
    scope.Span.SetTag("invoice.voided", voided ? "true" : "false");
    return voided ? Results.NoContent() : Results.NotFound();
});

app.Run();
