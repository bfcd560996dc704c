package com.acme.fraud;

import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// The DDTracer is expected from the agent; this bean only exposes the global tracer.
@Configuration
public class TracingConfig {
    @Bean
    public Tracer tracer() {
        return GlobalTracer.get();
    }
}
