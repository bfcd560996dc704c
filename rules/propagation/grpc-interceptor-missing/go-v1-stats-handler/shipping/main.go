package main

import (
	"context"
	"log"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	grpctrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/google.golang.org/grpc"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

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

	conn, err := grpc.DialContext(context.Background(), "rates:50051",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(grpctrace.NewClientStatsHandler()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	lis, err := net.Listen("tcp", ":50051")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.StatsHandler(grpctrace.NewServerStatsHandler()))
	shippingpb.RegisterShippingServer(s, &server{rates: ratespb.NewRatesClient(conn)})
	log.Fatal(s.Serve(lis))
}
