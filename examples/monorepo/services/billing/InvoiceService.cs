using Dapper;
using Npgsql;

namespace AcmeShop.Billing;

public record InvoiceLine(string Sku, int Quantity, long UnitPriceCents);

public record CreateInvoice(string CustomerId, string OrderId, string Currency, List<InvoiceLine> Lines);

public record Invoice(Guid Id, string CustomerId, string OrderId, string Currency, long TotalCents, DateTime IssuedAt);

public class InvoiceService(NpgsqlDataSource db)
{
    private const decimal VatRate = 0.20m;

    public async Task<Invoice?> FindAsync(Guid id)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<Invoice>(
            "SELECT id, customer_id, order_id, currency, total_cents, issued_at FROM invoices WHERE id = @id",
            new { id });
    }

    public async Task<IReadOnlyList<Invoice>> ListForCustomerAsync(string customerId)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<Invoice>(
            "SELECT id, customer_id, order_id, currency, total_cents, issued_at FROM invoices " +
            "WHERE customer_id = @customerId ORDER BY issued_at DESC LIMIT 100",
            new { customerId });
        return rows.ToList();
    }

    public async Task<Invoice> CreateAsync(CreateInvoice request)
    {
        var net = request.Lines.Sum(l => l.Quantity * l.UnitPriceCents);
        var total = (long)Math.Round(net * (1 + VatRate));
        var invoice = new Invoice(Guid.NewGuid(), request.CustomerId, request.OrderId, request.Currency, total, DateTime.UtcNow);

        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync(
            "INSERT INTO invoices (id, customer_id, order_id, currency, total_cents, issued_at) " +
            "VALUES (@Id, @CustomerId, @OrderId, @Currency, @TotalCents, @IssuedAt)",
            invoice);
        return invoice;
    }

    public async Task<bool> VoidAsync(Guid id)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.ExecuteAsync(
            "UPDATE invoices SET voided_at = now() WHERE id = @id AND voided_at IS NULL",
            new { id });
        return rows == 1;
    }
}
