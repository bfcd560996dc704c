package main

import (
	"context"
	"log"
	"net"

	grpctrace "github.com/DataDog/dd-trace-go/contrib/google.golang.org/grpc/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	ratespb "github.com/acme/protos/rates"
	shippingpb "github.com/acme/protos/shipping"
)

type server struct {
	shippingpb.UnimplementedShippingServer
	rates ratespb.RatesClient
}

func (s *server) Quote(ctx context.Context, req *shippingpb.QuoteRequest) (*shippingpb.QuoteReply, error) {
	r, err := s.rates.Lookup(ctx, &ratespb.LookupRequest{Zone: req.Zone})
	if err != nil {
		return nil, err
	}
	return &shippingpb.QuoteReply{Cents: r.Cents * int64(req.Weight)}, nil
}

func main() {
	tracer.Start(tracer.WithService("shipping"))
	defer tracer.Stop()

	conn, err := grpc.NewClient("rates:50051",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(grpctrace.UnaryClientInterceptor(grpctrace.WithService("shipping-grpc-client"))),
		grpc.WithStreamInterceptor(grpctrace.StreamClientInterceptor()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	lis, err := net.Listen("tcp", ":50051")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(
		grpc.ChainUnaryInterceptor(grpctrace.UnaryServerInterceptor()),
		grpc.StreamInterceptor(grpctrace.StreamServerInterceptor()),
	)
	shippingpb.RegisterShippingServer(s, &server{rates: ratespb.NewRatesClient(conn)})
	log.Fatal(s.Serve(lis))
}
