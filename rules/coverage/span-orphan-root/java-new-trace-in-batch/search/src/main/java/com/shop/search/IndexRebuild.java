package com.shop.search;

import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;

/** Command-line rebuild of the index, run by a Kubernetes Job: each run is its own trace. */
public final class IndexRebuild {
    public static void main(String[] args) {
        Tracer tracer = GlobalTracer.get();
        Span span = tracer.buildSpan("search.rebuild").ignoreActiveSpan().start();
        try {
            new SearchIndex().rebuild();
        } finally {
            span.finish();
        }
    }
}
