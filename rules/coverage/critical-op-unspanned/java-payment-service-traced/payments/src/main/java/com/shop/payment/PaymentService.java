package com.shop.payment;

import datadog.trace.api.Trace;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.util.GlobalTracer;
import java.math.BigDecimal;
import org.springframework.stereotype.Service;

@Service
public class PaymentService {
    private final PaymentGateway gateway;
    private final LedgerClient ledger;

    public PaymentService(PaymentGateway gateway, LedgerClient ledger) {
        this.gateway = gateway;
        this.ledger = ledger;
    }

    @Trace(operationName = "payment.charge", resourceName = "PaymentService.charge")
    public Receipt charge(String orderId, BigDecimal amount, String token) {
        requirePositive(amount);
        Receipt receipt = gateway.charge(token, amount);
        ledger.record(orderId, receipt);
        return receipt;
    }

    public void refund(String receiptId) {
        Span span = GlobalTracer.get().buildSpan("payment.refund").start();
        try (Scope scope = GlobalTracer.get().activateSpan(span)) {
            gateway.refund(receiptId);
            ledger.reverse(receiptId);
        } finally {
            span.finish();
        }
    }

    private static void requirePositive(BigDecimal amount) {
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
    }
}
