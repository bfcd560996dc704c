package main

import (
	"context"
	"log"
	"net"

	"google.golang.org/grpc"
	grpctrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/google.golang.org/grpc"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	pb "github.com/acme/ledger/proto"
)

type ledger struct {
	pb.UnimplementedLedgerServer
}

func (l *ledger) Post(ctx context.Context, e *pb.Entry) (*pb.Ack, error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "ledger.post")
	defer span.Finish()
	return &pb.Ack{}, nil
}

func (l *ledger) Balance(ctx context.Context, a *pb.Account) (*pb.Amount, error) {
	span, _ := tracer.StartSpanFromContext(ctx, "ledger.balance")
	defer span.Finish()
	return &pb.Amount{}, nil
}

func main() {
	tracer.Start()
	defer tracer.Stop()

	// Only the client side of the ledger's own calls is traced: the server has no interceptor.
	conn, err := grpc.Dial("accounts:50051", grpc.WithUnaryInterceptor(grpctrace.UnaryClientInterceptor()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	lis, _ := net.Listen("tcp", ":50052")
	srv := grpc.NewServer()
	pb.RegisterLedgerServer(srv, &ledger{}) // expect: entrypoints-go
	go srv.Serve(lis)

	// The admin server is traced with the stats handler: only its services are covered.
	admin := grpc.NewServer(grpc.StatsHandler(grpctrace.NewServerStatsHandler())) // expect: entrypoints-go
	pb.RegisterAdminServer(admin, &ledger{})                                         // expect: entrypoints-go
	adminLis, _ := net.Listen("tcp", ":50053")
	admin.Serve(adminLis)
}
