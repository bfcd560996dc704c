package com.shop.fulfilment;

import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

public class PickList {
    private final Tracer tracer = GlobalTracer.get();
    private final Warehouse warehouse;

    public PickList(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    public void allocate(List<OrderLine> lines) {
        Span span = tracer.buildSpan("fulfilment.allocate").withTag("lines.count", lines.size()).start();
        try (Scope scope = tracer.activateSpan(span)) {
            for (OrderLine line : lines) {
                warehouse.reserve(line.sku(), line.quantity());
            }
        } finally {
            span.finish();
        }
    }

    public void consume(KafkaConsumer<String, String> consumer) {
        while (true) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
            for (ConsumerRecord<String, String> record : records) {
                Span span = tracer.buildSpan("fulfilment.order_event").start();
                try (Scope scope = tracer.activateSpan(span)) {
                    warehouse.apply(record.value());
                } finally {
                    span.finish();
                }
            }
        }
    }
}
