package com.shop.search;

import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class SearchController {
    private final Tracer tracer = GlobalTracer.get();
    private final SearchIndex index;

    public SearchController(SearchIndex index) {
        this.index = index;
    }

    @GetMapping("/search")
    public List<Hit> search(@RequestParam String q) {
        Span span = tracer.buildSpan("search.query").withTag("query.length", q.length()).start();
        try (Scope scope = tracer.activateSpan(span)) {
            return index.query(q);
        } finally {
            span.finish();
        }
    }
}
