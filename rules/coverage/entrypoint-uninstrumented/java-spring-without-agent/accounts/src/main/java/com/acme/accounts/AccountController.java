package com.acme.accounts;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/accounts")
public class AccountController {
    private final AccountRepository accounts;

    public AccountController(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/{id}") // expect: entrypoint-uninstrumented
    public Account get(@PathVariable String id) {
        return accounts.find(id);
    }

    @PostMapping // expect: entrypoint-uninstrumented
    public Account open(@RequestBody OpenAccount request) {
        return accounts.open(request);
    }
}
