package com.acme.catalog;

import jakarta.ws.rs.*;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

@Path("/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {

    @GET // expect: entrypoints-java
    public List<Product> list(@QueryParam("q") String q) {
        return Product.search(q);
    }

    @GET // expect: entrypoints-java
    @Path("/{sku}")
    public Product get(@PathParam("sku") String sku) {
        return Product.find(sku);
    }

    @POST // expect: entrypoints-java
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Product p) {
        return Response.status(201).entity(p.save()).build();
    }

    @DELETE // expect: entrypoints-java
    @Path("{sku}")
    public void delete(@PathParam("sku") String sku) {
        Product.remove(sku);
    }

    // Sub-resource locator: no HTTP method of its own.
    @Path("/{sku}/reviews")
    public ReviewResource reviews(@PathParam("sku") String sku) {
        return new ReviewResource(sku);
    }
}
