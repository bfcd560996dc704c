using Datadog.Trace;

namespace Billing;

public class InvoiceService
{
    private readonly IInvoiceStore _store;

    public InvoiceService(IInvoiceStore store) => _store = store;

    public async Task<Invoice> IssueAsync(Order order)
    {
        using var scope = Tracer.Instance.StartActive("billing.issue");
        scope.Span.SetTag("order.id", order.Id);
        var invoice = Invoice.From(order);
        await _store.SaveAsync(invoice);
        return invoice;
    }

    public async Task VoidAsync(Guid invoiceId)
    {
        var scope = Tracer.Instance.StartActive("billing.void");
        try
        {
            await _store.VoidAsync(invoiceId);
        }
        finally
        {
            scope.Dispose();
        }
    }

    public async Task ArchiveAsync(Guid invoiceId)
    {
        using (var scope = Tracer.Instance.StartActive("billing.archive"))
        {
            await _store.ArchiveAsync(invoiceId);
        }
    }
}
