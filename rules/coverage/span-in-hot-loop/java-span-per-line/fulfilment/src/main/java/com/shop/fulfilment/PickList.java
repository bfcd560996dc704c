package com.shop.fulfilment;

import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.util.List;

public class PickList {
    private final Tracer tracer = GlobalTracer.get();
    private final Warehouse warehouse;

    public PickList(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    public void allocate(List<OrderLine> lines) {
        for (OrderLine line : lines) {
            Span span = tracer.buildSpan("fulfilment.allocate_line").start(); // expect: span-in-hot-loop
            try {
                warehouse.reserve(line.sku(), line.quantity());
            } finally {
                span.finish();
            }
        }
    }

    public void label(List<Parcel> parcels) {
        parcels.forEach(parcel -> {
            Span span = tracer.buildSpan("fulfilment.label").withTag("parcel", parcel.id()).start(); // expect: span-in-hot-loop
            try {
                warehouse.printLabel(parcel);
            } finally {
                span.finish();
            }
        });
    }
}
