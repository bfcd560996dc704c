package com.acmeshop.fraud;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Scores a charge from the customer's recent activity (0 = safe, 1 = certainly fraud). */
@Component
public class FraudScorer {

    private final ExecutorService checks = Executors.newFixedThreadPool(8);
    private final JdbcTemplate jdbc;
    private final double review;
    private final double reject;

    public FraudScorer(JdbcTemplate jdbc,
                       @Value("${fraud.review-threshold}") double review,
                       @Value("${fraud.reject-threshold}") double reject) {
        this.jdbc = jdbc;
        this.review = review;
        this.reject = reject;
    }

    public double score(AssessmentController.AssessmentRequest request) throws TimeoutException {
        // Both checks query the activity tables: run them side by side.
        CompletableFuture<Double> velocity =
                CompletableFuture.supplyAsync(() -> velocityScore(request.customerId()), checks);
        CompletableFuture<Double> amount =
                CompletableFuture.supplyAsync(() -> amountScore(request.customerId(), request.amount()), checks);
        try {
            return Math.max(velocity.get(300, TimeUnit.MILLISECONDS), amount.get(300, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("fraud check failed", e.getCause());
        }
    }

    public double reviewThreshold() {
        return review;
    }

    public String decision(double score) {
        if (score >= reject) {
            return "reject";
        }
        return score >= review ? "review" : "approve";
    }

    private double velocityScore(String customerId) {
        Integer recent = jdbc.queryForObject(
                "SELECT count(*) FROM assessments WHERE customer_id = ? AND created_at > now() - interval '1 hour'",
                Integer.class, customerId);
        return Math.min(1.0, (recent == null ? 0 : recent) / 10.0);
    }

    private double amountScore(String customerId, long amount) {
        Long usual = jdbc.queryForObject(
                "SELECT coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY amount), 0)::bigint "
                        + "FROM assessments WHERE customer_id = ? AND decision = 'approve'",
                Long.class, customerId);
        if (usual == null || usual == 0) {
            return 0.3;
        }
        return Math.min(1.0, Math.max(0.0, (amount - usual) / (double) (usual * 4)));
    }
}
