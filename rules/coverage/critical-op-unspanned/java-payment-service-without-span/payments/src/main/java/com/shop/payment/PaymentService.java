package com.shop.payment;

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

    public Receipt charge(String orderId, BigDecimal amount, String token) { // expect: critical-op-unspanned
        requirePositive(amount);
        Receipt receipt = gateway.charge(token, amount);
        ledger.record(orderId, receipt);
        return receipt;
    }

    public void refund(String receiptId) { // expect: critical-op-unspanned
        gateway.refund(receiptId);
        ledger.reverse(receiptId);
    }

    private static void requirePositive(BigDecimal amount) {
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
    }
}
