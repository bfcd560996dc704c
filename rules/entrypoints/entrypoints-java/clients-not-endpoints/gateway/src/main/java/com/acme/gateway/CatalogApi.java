package com.acme.gateway;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

// MicroProfile REST client: a JAX-RS interface that calls another service.
@Path("/products")
@RegisterRestClient(configKey = "catalog")
public interface CatalogApi {

    @GET
    @Path("/{sku}")
    Product get(@PathParam("sku") String sku);
}
