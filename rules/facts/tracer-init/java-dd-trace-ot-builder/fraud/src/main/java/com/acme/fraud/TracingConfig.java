package com.acme.fraud;

import datadog.opentracing.DDTracer;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class TracingConfig {
    @Bean
    public Tracer tracer() {
        Tracer tracer = DDTracer.builder().serviceName("fraud").build(); // expect: tracer-init
        GlobalTracer.registerIfAbsent(tracer);
        return tracer;
    }
}
