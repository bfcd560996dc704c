package com.acmeshop.payments;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

@RestController
@RequestMapping("/v1")
public class ChargeController {

    public record ChargeRequest(
            @NotBlank String customerId,
            @Min(1) long amount,
            @Pattern(regexp = "[A-Z]{3}") String currency) {}

    public record ChargeResponse(String id, String status) {}

    private final RestClient processor;
    private final FraudClient fraud;

    public ChargeController(RestClient processor, FraudClient fraud) {
        this.processor = processor;
        this.fraud = fraud;
    }

    @PostMapping("/charges")
    public ResponseEntity<?> charge(@Valid @RequestBody ChargeRequest request) {
        FraudClient.Assessment assessment = fraud.assess(request.customerId(), request.amount(), request.currency());
        if ("reject".equals(assessment.decision())) {
            return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED)
                    .body(Map.of("reason", "declined", "assessment", assessment.id()));
        }
        try {
            ChargeResponse response = processor.post()
                    .uri("/charges")
                    .body(request)
                    .retrieve()
                    .body(ChargeResponse.class);
            return ResponseEntity.status(HttpStatus.CREATED).body(response);
        } catch (HttpClientErrorException.PaymentRequired declined) {
            return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED)
                    .body(Map.of("reason", declined.getResponseBodyAsString()));
        }
    }

    @PostMapping("/charges/{id}/refunds")
    public ResponseEntity<ChargeResponse> refund(@PathVariable String id) {
        ChargeResponse response = processor.post()
                .uri("/charges/{id}/refund", id)
                .retrieve()
                .body(ChargeResponse.class);
        return ResponseEntity.ok(response);
    }
}
