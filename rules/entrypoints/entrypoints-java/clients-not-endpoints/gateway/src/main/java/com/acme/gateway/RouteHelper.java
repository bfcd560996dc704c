package com.acme.gateway;

import com.newrelic.api.agent.Trace;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;

// No @Controller: these mapping annotations are never registered.
@Configuration
public class RouteHelper {

    private final KafkaTemplate<String, String> kafka;

    public RouteHelper(KafkaTemplate<String, String> kafka) {
        this.kafka = kafka;
    }

    @GetMapping("/unused")
    public String unused() {
        return "never mapped";
    }

    @Bean
    public String gatewayName() {
        return "gateway";
    }

    @Trace(dispatcher = true)
    public void publish(String order) {
        kafka.send("orders", order);
    }
}
