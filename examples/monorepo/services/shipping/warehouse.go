package main

import (
	"context"
	"fmt"

	inventorypb "github.com/acme-shop/protos/gen/go/inventory/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// warehouseClient asks inventory which warehouse fulfils an order (the label's origin).
type warehouseClient struct {
	client inventorypb.WarehousesClient
}

func newWarehouseClient() (*warehouseClient, error) {
	conn, err := grpc.NewClient("inventory:9090", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	return &warehouseClient{client: inventorypb.NewWarehousesClient(conn)}, nil
}

func (w *warehouseClient) originZip(ctx context.Context, orderID string) (string, error) {
	resp, err := w.client.GetFulfilmentWarehouse(ctx, &inventorypb.GetFulfilmentWarehouseRequest{OrderId: orderID})
	if err != nil {
		return "", fmt.Errorf("fulfilment warehouse of order %s: %w", orderID, err)
	}
	return resp.GetZipCode(), nil
}
