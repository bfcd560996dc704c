package com.acmeshop.fraud;

import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/assessments")
public class AssessmentController {

    private static final Logger log = LoggerFactory.getLogger(AssessmentController.class);

    public record AssessmentRequest(
            @NotBlank String customerId,
            @Min(1) long amount,
            @Pattern(regexp = "[A-Z]{3}") String currency) {}

    public record Assessment(String id, String decision, double score) {}

    private final Tracer tracer;
    private final FraudScorer scorer;
    private final AssessmentRepository assessments;

    public AssessmentController(Tracer tracer, FraudScorer scorer, AssessmentRepository assessments) {
        this.tracer = tracer;
        this.scorer = scorer;
        this.assessments = assessments;
    }

    @PostMapping
    public Assessment assess(@Valid @RequestBody AssessmentRequest request) {
        Span span = tracer.buildSpan("fraud.assess").withTag("amount", request.amount()).start();
        try (Scope scope = tracer.activateSpan(span)) {
            double score;
            try {
                score = scorer.score(request);
            } catch (TimeoutException e) {
                // Velocity checks are slow at peak: let the charge through and review it later.
                log.warn("scoring timed out for customer {}", request.customerId());
                score = scorer.reviewThreshold();
            }
            Assessment assessment = new Assessment(UUID.randomUUID().toString(), scorer.decision(score), score);
            span.setTag("fraud.decision", assessment.decision());
            assessments.save(request.customerId(), request.amount(), assessment);
            return assessment;
        } finally {
            span.finish();
        }
    }

    @GetMapping("/{id}")
    public ResponseEntity<Assessment> get(@PathVariable String id) {
        return assessments.find(id).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
    }
}
