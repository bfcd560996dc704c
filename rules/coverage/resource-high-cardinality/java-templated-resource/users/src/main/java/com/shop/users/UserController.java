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
    private static final String REINDEX = "users.reindex";
    private final Tracer tracer = GlobalTracer.get();
    private final UserRepository users;

    public UserController(UserRepository users) {
        this.users = users;
    }

    @GetMapping("/users/{id}")
    public User get(@PathVariable String id) {
        Span span = tracer.buildSpan("users.get")
            .withTag(DDTags.RESOURCE_NAME, "GET /users/{id}")
            .withTag("user.id", id)
            .start();
        try (Scope scope = tracer.activateSpan(span)) {
            return users.find(id);
        } finally {
            span.finish();
        }
    }

    @GetMapping("/files/**")
    public byte[] file(HttpServletRequest request) {
        tracer.activeSpan().setTag(DDTags.RESOURCE_NAME, request.getMethod() + " /files/**");
        tracer.activeSpan().setTag("file.path", request.getRequestURI());
        return users.file(request.getRequestURI());
    }

    public void reindex(String tenant) {
        Span span = tracer.buildSpan(REINDEX).withTag("tenant", tenant).start();
        try {
            users.reindex(tenant);
        } finally {
            span.finish();
        }
    }
}
