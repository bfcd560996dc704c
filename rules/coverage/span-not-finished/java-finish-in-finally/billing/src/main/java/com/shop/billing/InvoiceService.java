package com.shop.billing;

import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.util.concurrent.CompletableFuture;

public class InvoiceService {
    private final Tracer tracer = GlobalTracer.get();
    private final InvoiceRepository repository;

    public InvoiceService(InvoiceRepository repository) {
        this.repository = repository;
    }

    public Invoice issue(Order order) {
        Span span = tracer.buildSpan("billing.issue").start();
        try (Scope scope = tracer.activateSpan(span)) {
            Invoice invoice = Invoice.from(order);
            repository.save(invoice);
            return invoice;
        } finally {
            span.finish();
        }
    }

    public CompletableFuture<Void> refundAsync(String invoiceId) {
        Span span = tracer.buildSpan("billing.refund").withTag("invoice.id", invoiceId).start();
        return repository.markRefundedAsync(invoiceId).whenComplete((ok, err) -> span.finish());
    }

    void markSent(String invoiceId) {
        // Nothing between start and finish can throw: no finally needed.
        Span span = tracer.buildSpan("billing.sent").start();
        span.setTag("invoice.id", invoiceId);
        span.finish();
    }

    Span startExport(String batch) {
        Span span = tracer.buildSpan("billing.export").withTag("batch", batch).start();
        return span;
    }
}
