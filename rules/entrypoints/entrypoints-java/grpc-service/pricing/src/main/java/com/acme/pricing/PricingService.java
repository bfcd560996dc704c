package com.acme.pricing;

import com.acme.pricing.proto.PriceReply;
import com.acme.pricing.proto.PriceRequest;
import com.acme.pricing.proto.PricingGrpc;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.service.GrpcService;

@GrpcService
public class PricingService extends PricingGrpc.PricingImplBase { // expect: entrypoints-java

    @Override
    public void quote(PriceRequest request, StreamObserver<PriceReply> responseObserver) {
        responseObserver.onNext(PriceReply.newBuilder().setCents(1299).build());
        responseObserver.onCompleted();
    }
}
