package com.shop.partners;

import io.opentracing.Span;
import io.opentracing.tag.Tags;
import io.opentracing.util.GlobalTracer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

@Component
public class StatusTaggingFilter extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        Span span = GlobalTracer.get().activeSpan();
        if (span == null) {
            return;
        }
        if (response.getStatus() >= 400) {
            span.setTag(Tags.ERROR, true); // expect: error-on-client-status
        }
        if (HttpStatus.valueOf(response.getStatus()).is4xxClientError()) {
            span.setTag("error.message", "client error " + response.getStatus());
            span.setTag(Tags.ERROR, true); // expect: error-on-client-status
        }
    }
}
