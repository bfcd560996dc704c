package com.acme.util;

import java.util.HashMap;
import java.util.Map;
import org.springframework.web.client.RestTemplate;

public class Links {
    private static final String DOCS = "https://docs.example.com/errors";
    private final Map<String, String> cache = new HashMap<>();
    private final RestTemplate restTemplate = new RestTemplate();

    public String fetch(String baseUrl, long id) {
        cache.put("http://orders/" + id, "pending");
        return restTemplate.getForObject(baseUrl + "/orders/" + id, String.class);
    }

    public void fail(String reason) {
        throw new IllegalStateException("see " + DOCS + ": " + reason);
    }
}
