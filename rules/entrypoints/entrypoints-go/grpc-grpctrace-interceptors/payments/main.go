package main

import (
	"context"
	"log"
	"net"

	grpctrace "github.com/DataDog/dd-trace-go/contrib/google.golang.org/grpc/v2"
	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	pb "github.com/acme/payments/gen/paymentspb"
)

type paymentServer struct {
	pb.UnimplementedPaymentsServer
}

func (s *paymentServer) Charge(ctx context.Context, req *pb.ChargeRequest) (*pb.ChargeReply, error) {
	return &pb.ChargeReply{Id: req.OrderId}, nil
}

func main() {
	tracer.Start()
	defer tracer.Stop()

	lis, err := net.Listen("tcp", ":50051")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(
		grpc.UnaryInterceptor(grpctrace.UnaryServerInterceptor(grpctrace.WithService("payments"))), // expect: entrypoints-go
		grpc.StreamInterceptor(grpctrace.StreamServerInterceptor()),                                // expect: entrypoints-go
	)
	pb.RegisterPaymentsServer(s, &paymentServer{})            // expect: entrypoints-go
	healthpb.RegisterHealthServer(s, health.NewServer())      // expect: entrypoints-go
	log.Fatal(s.Serve(lis))
}
