package com.acme;

import datadog.trace.api.DDTags;
import datadog.trace.api.Trace;
import io.opentracing.Span;

public class Billing {
    @Trace(operationName = "billing.run", resourceName = "Billing.run") // expect: span-metadata
    public void run(String tier) {
        GlobalTracer.get().activeSpan().setTag("customer.tier", tier); // expect: span-metadata
    }

    public void charge(Invoice invoice) {
        Span span = tracer.buildSpan("billing.charge")
            .withTag("invoice.currency", invoice.currency()) // expect: span-metadata
            .start();
        span.setTag(DDTags.RESOURCE_NAME, "charge-invoice"); // expect: span-metadata
        span.finish();
    }
}
