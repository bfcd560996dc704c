package com.acme.ledger;

import datadog.opentracing.DDTracer;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

public class Ledger {
    private static final Tracer TRACER = DDTracer.builder().build();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    public void settle(List<String> entries) {
        Span span = TRACER.buildSpan("ledger.settle").start();
        try (Scope scope = TRACER.scopeManager().activate(span)) {
            for (String entry : entries) {
                pool.submit(() -> post(entry)); // expect: thread-context-lost
            }
            CompletableFuture.runAsync(this::reconcile); // expect: thread-context-lost
            new Thread(this::notifyAuditors).start(); // expect: thread-context-lost
            pool.submit(() -> {
                try (Scope child = TRACER.activateSpan(span)) {
                    post("summary");
                }
            });
        } finally {
            span.finish();
        }
    }

    private void post(String entry) {
        Span span = TRACER.buildSpan("ledger.post").start();
        span.setTag("entry", entry);
        span.finish();
    }

    private void reconcile() {}

    private void notifyAuditors() {}

    public static void main(String[] args) {
        GlobalTracer.registerIfAbsent(TRACER);
        new Ledger().settle(List.of(args));
    }
}
