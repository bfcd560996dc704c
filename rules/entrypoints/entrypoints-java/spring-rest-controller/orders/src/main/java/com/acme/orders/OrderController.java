package com.acme.orders;

import datadog.trace.api.Trace;
import io.opentracing.Span;
import io.opentracing.util.GlobalTracer;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/orders")
public class OrderController {

    private final OrderService service;

    public OrderController(OrderService service) {
        this.service = service;
    }

    @GetMapping // expect: entrypoints-java
    public List<Order> list() {
        return service.findAll();
    }

    @GetMapping("/{id}") // expect: entrypoints-java
    public Order get(@PathVariable String id) {
        return service.find(id);
    }

    @PostMapping(consumes = "application/json") // expect: entrypoints-java
    @Trace(operationName = "orders.create")
    public ResponseEntity<Order> create(@RequestBody Order order) {
        return ResponseEntity.ok(service.save(order));
    }

    @PutMapping(value = "/{id}") // expect: entrypoints-java
    public Order update(@PathVariable String id, @RequestBody Order order) {
        Span span = GlobalTracer.get().buildSpan("orders.update").start();
        try {
            return service.save(order);
        } finally {
            span.finish();
        }
    }

    @DeleteMapping(path = "/{id}") // expect: entrypoints-java
    public void delete(@PathVariable String id) {
        service.delete(id);
    }

    @PatchMapping("/{id}/status") // expect: entrypoints-java
    public Order patchStatus(@PathVariable String id, @RequestParam String status) {
        return service.setStatus(id, status);
    }

    @RequestMapping(value = "/search", method = RequestMethod.GET) // expect: entrypoints-java
    public List<Order> search(@RequestParam String q) {
        return service.search(q);
    }

    @RequestMapping(value = {"/export", "/export.csv"}, method = {RequestMethod.GET, RequestMethod.POST}) // expect: entrypoints-java
    public String export() {
        return service.exportCsv();
    }

    // Not an endpoint: a plain helper.
    private Order toOrder(String id) {
        return new Order(id);
    }
}
