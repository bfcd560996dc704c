package com.shop.billing;

import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;

public class InvoiceService {
    private final Tracer tracer = GlobalTracer.get();
    private final InvoiceRepository repository;

    public InvoiceService(InvoiceRepository repository) {
        this.repository = repository;
    }

    public Invoice issue(Order order) {
        Span span = tracer.buildSpan("billing.issue").start(); // expect: span-not-finished
        try (Scope scope = tracer.activateSpan(span)) {
            Invoice invoice = Invoice.from(order);
            repository.save(invoice);
            return invoice;
        }
    }

    public void refund(String invoiceId) {
        Span span = tracer.buildSpan("billing.refund").withTag("invoice.id", invoiceId).start(); // expect: span-not-finished
        repository.markRefunded(invoiceId);
        span.finish();
    }
}
