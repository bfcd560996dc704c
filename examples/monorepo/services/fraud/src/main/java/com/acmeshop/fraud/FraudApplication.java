package com.acmeshop.fraud;

import datadog.opentracing.DDTracer;
import io.opentracing.Tracer;
import io.opentracing.util.GlobalTracer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class FraudApplication {

    public static void main(String[] args) {
        SpringApplication.run(FraudApplication.class, args);
    }

    /** OpenTracing tracer for the manual spans (service, env and version from DD_* variables). */
    @Bean
    Tracer tracer() {
        Tracer tracer = DDTracer.builder().build();
        GlobalTracer.registerIfAbsent(tracer);
        return tracer;
    }
}
