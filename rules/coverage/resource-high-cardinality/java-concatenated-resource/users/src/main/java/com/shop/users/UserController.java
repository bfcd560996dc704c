package com.shop.users;

import datadog.trace.api.DDTags;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class UserController {
    private final Tracer tracer = GlobalTracer.get();
    private final UserRepository users;

    public UserController(UserRepository users) {
        this.users = users;
    }

    @GetMapping("/users/{id}")
    public User get(@PathVariable String id) {
        Span span = tracer.buildSpan("users.get")
            .withTag(DDTags.RESOURCE_NAME, "GET /users/" + id) // expect: resource-high-cardinality
            .start();
        try (Scope scope = tracer.activateSpan(span)) {
            return users.find(id);
        } finally {
            span.finish();
        }
    }

    @GetMapping("/files/**")
    public byte[] file(HttpServletRequest request) {
        tracer.activeSpan().setTag(DDTags.RESOURCE_NAME, request.getRequestURI()); // expect: resource-high-cardinality
        return users.file(request.getRequestURI());
    }

    public void reindex(String tenant) {
        Span span = tracer.buildSpan(String.format("users.reindex.%s", tenant)).start(); // expect: resource-high-cardinality
        try {
            users.reindex(tenant);
        } finally {
            span.finish();
        }
    }
}
