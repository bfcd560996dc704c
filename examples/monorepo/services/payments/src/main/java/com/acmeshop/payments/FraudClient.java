package com.acmeshop.payments;

import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** Asks the fraud service for a decision before a card is charged. */
@Component
public class FraudClient {

    public record Assessment(String id, String decision, double score) {}

    private final RestClient http = RestClient.create("http://fraud.risk.svc.cluster.local:8080");

    public Assessment assess(String customerId, long amount, String currency) {
        return http.post()
                .uri("/v1/assessments")
                .body(Map.of("customerId", customerId, "amount", amount, "currency", currency))
                .retrieve()
                .body(Assessment.class);
    }
}
