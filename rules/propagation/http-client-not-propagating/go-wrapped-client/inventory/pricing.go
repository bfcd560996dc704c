package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	httptrace "github.com/DataDog/dd-trace-go/contrib/net/http/v2"
)

type Price struct {
	SKU   string `json:"sku"`
	Cents int64  `json:"cents"`
}

type pricingClient struct {
	base string
	http *http.Client
}

func init() {
	// http.Get and http.DefaultClient go through the traced transport from now on.
	httptrace.WrapClient(http.DefaultClient)
}

func newPricingClient(base string) *pricingClient {
	return &pricingClient{
		base: base,
		http: httptrace.WrapClient(&http.Client{Timeout: 3 * time.Second}),
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

func warehouseStock(sku string) (*http.Response, error) {
	return http.Get("http://warehouse:8080/stock/" + sku)
}
