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
        span.setTag("http.status_code", response.getStatus());
        if (HttpStatus.valueOf(response.getStatus()).is5xxServerError()) {
            span.setTag(Tags.ERROR, true);
        }
    }
}
