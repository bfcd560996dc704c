package com.shop.payment;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PaymentServiceTest {
    @Test
    void charge() {
        PaymentService service = new PaymentService(new FakeGateway(), new FakeLedger());
        assertNotNull(service.charge("o-1", BigDecimal.TEN, "tok_visa"));
    }
}
