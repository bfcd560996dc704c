package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

type Price struct {
	SKU   string  `json:"sku"`
	Cents int64   `json:"cents"`
	Tax   float64 `json:"tax"`
}

type pricingClient struct {
	base string
	http *http.Client
}

func newPricingClient(base string) *pricingClient {
	return &pricingClient{
		base: base,
		http: &http.Client{Timeout: 3 * time.Second}, // expect: http-client-not-propagating
	}
}

func (c *pricingClient) Price(ctx context.Context, sku string) (*Price, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/prices/%s", c.base, sku), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var p Price
	return &p, json.NewDecoder(resp.Body).Decode(&p)
}

func warehouseStock(sku string) (int, error) {
	resp, err := http.Get("http://warehouse:8080/stock/" + sku) // expect: http-client-not-propagating
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct{ Qty int }
	return out.Qty, json.NewDecoder(resp.Body).Decode(&out)
}

func notifyRestock(ctx context.Context, sku string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://notifications:8080/restock/"+sku, nil)
	resp, err := http.DefaultClient.Do(req) // expect: http-client-not-propagating
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
