package com.acme.gateway;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

// An outbound HTTP client: Feign interfaces use the same mapping annotations.
@FeignClient(name = "orders", url = "http://orders:8080")
@RequestMapping("/api/orders")
public interface OrdersClient {

    @GetMapping("/{id}")
    Order get(@PathVariable("id") String id);

    @PostMapping
    Order create(Order order);
}
