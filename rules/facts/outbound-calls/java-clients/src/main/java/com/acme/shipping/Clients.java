package com.acme.shipping;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

@Component
public class Clients {
    private final RestTemplate restTemplate;
    private final KafkaTemplate<String, String> kafkaTemplate;
    private final KafkaProducer<String, String> producer;
    private final RabbitTemplate rabbitTemplate;
    private final WebClient users = WebClient.create("http://users:8080"); // expect: outbound-calls

    public Clients(RestTemplate restTemplate, KafkaTemplate<String, String> kafkaTemplate,
                   KafkaProducer<String, String> producer, RabbitTemplate rabbitTemplate) {
        this.restTemplate = restTemplate;
        this.kafkaTemplate = kafkaTemplate;
        this.producer = producer;
        this.rabbitTemplate = rabbitTemplate;
    }

    public Order order(long id) {
        return restTemplate.getForObject("http://orders:8080/api/orders/{id}", Order.class, id); // expect: outbound-calls
    }

    public HttpRequest carrierRequest() {
        return HttpRequest.newBuilder(URI.create("https://carrier-gateway/v2/quotes")).build(); // expect: outbound-calls
    }

    public void shipped(String orderId) {
        kafkaTemplate.send("shipments", orderId, "SHIPPED"); // expect: outbound-calls
        producer.send(new ProducerRecord<>("shipments.audit", orderId, "SHIPPED")); // expect: outbound-calls
        rabbitTemplate.convertAndSend("notifications", "email.shipped", orderId); // expect: outbound-calls
    }

    public ManagedChannel inventory() {
        return ManagedChannelBuilder.forTarget("inventory:50051").usePlaintext().build(); // expect: outbound-calls
    }

    public ManagedChannel pricing() {
        return ManagedChannelBuilder.forAddress("pricing", 9090).usePlaintext().build(); // expect: outbound-calls
    }
}
