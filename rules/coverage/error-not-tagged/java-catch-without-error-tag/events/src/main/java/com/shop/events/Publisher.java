package com.shop.events;

import datadog.trace.api.Trace;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);
    private final Tracer tracer = GlobalTracer.get();
    private final Broker broker;

    public Publisher(Broker broker) {
        this.broker = broker;
    }

    public boolean publish(Event event) {
        Span span = tracer.buildSpan("events.publish").start();
        try (Scope scope = tracer.activateSpan(span)) {
            broker.send("events", event.encode());
            return true;
        } catch (IOException e) { // expect: error-not-tagged
            log.warn("publish failed", e);
            return false;
        } finally {
            span.finish();
        }
    }

    @Trace(operationName = "events.compact")
    public void compact() {
        try {
            broker.compact("events");
        } catch (IllegalStateException e) { // expect: error-not-tagged
            log.error("compaction failed", e);
        }
    }
}
