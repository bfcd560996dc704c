package com.acme.users;

import datadog.trace.api.Trace;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.List;

@Controller("/users")
public class UserController {

    @Get // expect: entrypoints-java
    public List<User> list() {
        return User.all();
    }

    @Get("/{id}") // expect: entrypoints-java
    @Trace
    public User get(String id) {
        return User.find(id);
    }

    @Post(uri = "/") // expect: entrypoints-java
    public User create(@Body User user) {
        return user.save();
    }
}
