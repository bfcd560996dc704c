package com.acme.payments;

import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ChargeController {
    @PostMapping("/charges")
    public Map<String, Object> charge(@RequestBody Map<String, Object> body) {
        return Map.of("status", "captured", "cents", body.get("cents"));
    }
}
