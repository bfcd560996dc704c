using Datadog.Trace;

namespace Billing;

public class InvoiceService
{
    private readonly IInvoiceStore _store;

    public InvoiceService(IInvoiceStore store) => _store = store;

    public async Task<Invoice> IssueAsync(Order order)
    {
        var scope = Tracer.Instance.StartActive("billing.issue"); // expect: span-not-finished
        scope.Span.SetTag("order.id", order.Id);
        var invoice = Invoice.From(order);
        await _store.SaveAsync(invoice);
        return invoice;
    }

    public async Task VoidAsync(Guid invoiceId)
    {
        var scope = Tracer.Instance.StartActive("billing.void"); // expect: span-not-finished
        await _store.VoidAsync(invoiceId);
        scope.Dispose();
    }
}
