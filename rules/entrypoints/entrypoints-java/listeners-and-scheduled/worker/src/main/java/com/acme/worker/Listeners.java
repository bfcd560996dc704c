package com.acme.worker;

import datadog.trace.api.Trace;
import io.awspring.cloud.sqs.annotation.SqsListener;
import org.springframework.amqp.rabbit.annotation.Exchange;
import org.springframework.amqp.rabbit.annotation.Queue;
import org.springframework.amqp.rabbit.annotation.QueueBinding;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

@Component
public class Listeners {

    @KafkaListener(topics = "orders", groupId = "worker") // expect: entrypoints-java
    public void onOrder(String payload) {
        process(payload);
    }

    @KafkaListener(id = "audit", topics = {"audit-log", "audit-log-dlq"}) // expect: entrypoints-java
    @Trace(operationName = "audit.consume")
    public void onAudit(String payload) {
        process(payload);
    }

    @RabbitListener(queues = "emails") // expect: entrypoints-java
    public void onEmail(String body) {
        process(body);
    }

    @RabbitListener(bindings = @QueueBinding(value = @Queue("refunds"), exchange = @Exchange("payments"))) // expect: entrypoints-java
    public void onRefund(String body) {
        process(body);
    }

    @SqsListener("invoices-queue") // expect: entrypoints-java
    public void onInvoice(String message) {
        process(message);
    }

    @Scheduled(cron = "0 0 3 * * *") // expect: entrypoints-java
    public void nightly() {
        process("nightly");
    }

    @Scheduled(fixedRate = 60000) // expect: entrypoints-java
    public void heartbeat() {
        process("beat");
    }

    private void process(String s) {
    }
}
