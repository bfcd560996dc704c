package com.acme.fraud;

import datadog.trace.api.Trace;
import org.springframework.stereotype.Service;

@Service
public class ScoringService {
    @Trace(operationName = "fraud.score", resourceName = "ScoringService.score")
    public double score(String accountId, long amountCents) {
        return amountCents > 500_000 ? 0.9 : 0.1;
    }
}
