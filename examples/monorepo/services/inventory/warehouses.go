package main

import (
	"context"
	"errors"

	grpctrace "github.com/DataDog/dd-trace-go/contrib/google.golang.org/grpc/v2"
	inventorypb "github.com/acme-shop/protos/gen/go/inventory/v1"
	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// warehouseServer answers shipping's questions about where reserved stock is held.
type warehouseServer struct {
	inventorypb.UnimplementedWarehousesServer
	stock *stockStore
}

func newGRPCServer(stock *stockStore) *grpc.Server {
	s := grpc.NewServer(
		grpc.UnaryInterceptor(grpctrace.UnaryServerInterceptor()),
		grpc.StreamInterceptor(grpctrace.StreamServerInterceptor()),
	)
	inventorypb.RegisterWarehousesServer(s, &warehouseServer{stock: stock})
	return s
}

func (w *warehouseServer) GetFulfilmentWarehouse(ctx context.Context, req *inventorypb.GetFulfilmentWarehouseRequest) (*inventorypb.Warehouse, error) {
	var wh inventorypb.Warehouse
	err := w.stock.pool.QueryRow(ctx,
		`SELECT w.id, w.zip_code FROM reservations r JOIN warehouses w ON w.id = r.warehouse_id
		 WHERE r.order_id = $1 ORDER BY r.id LIMIT 1`, req.GetOrderId()).Scan(&wh.Id, &wh.ZipCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, status.Errorf(codes.NotFound, "no reservation for order %s", req.GetOrderId())
	}
	if err != nil {
		return nil, err
	}
	return &wh, nil
}
