package com.acme;

public class Billing {
    private static final String TIER = "customer.tier";

    public void charge(Invoice invoice, String op) {
        Span span = tracer.buildSpan(op).start();
        span.setTag(TIER, invoice.tier());
        span.setTag(Tags.HTTP_METHOD, "POST");
        span.finish();
    }
}
