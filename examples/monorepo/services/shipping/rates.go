package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"
	httptrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/net/http"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

type parcel struct {
	WeightGrams int    `json:"weight_grams"`
	FromZip     string `json:"from_zip"`
	ToZip       string `json:"to_zip"`
	Country     string `json:"country"`
}

type quote struct {
	Carrier    string `json:"carrier"`
	Service    string `json:"service"`
	PriceCents int    `json:"price_cents"`
	Days       int    `json:"days"`
}

type carrierClient struct {
	base   string
	key    string
	client *http.Client
}

func newCarrierClient(base, key string) *carrierClient {
	return &carrierClient{
		base:   base,
		key:    key,
		client: httptrace.WrapClient(&http.Client{Timeout: 8 * time.Second}),
	}
}

func (c *carrierClient) post(ctx context.Context, path string, in, out any) (err error) {
	span, ctx := tracer.StartSpanFromContext(ctx, "carrier.request", tracer.ResourceName(path))
	defer span.Finish(tracer.WithError(err))

	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("carrier API %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func quoteHandler(carriers *carrierClient) echo.HandlerFunc {
	return func(c echo.Context) error {
		var p parcel
		if err := c.Bind(&p); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		var quotes []quote
		if err := carriers.post(c.Request().Context(), "/v2/rates", p, &quotes); err != nil {
			return echo.NewHTTPError(http.StatusBadGateway, err.Error())
		}
		sort.Slice(quotes, func(i, j int) bool { return quotes[i].PriceCents < quotes[j].PriceCents })
		return c.JSON(http.StatusOK, quotes)
	}
}

func labelHandler(carriers *carrierClient, warehouses *warehouseClient, events *shipmentEvents) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req struct {
			OrderID       string `json:"order_id"`
			CustomerEmail string `json:"customer_email"`
			Carrier       string `json:"carrier"`
			Service       string `json:"service"`
			Parcel        parcel `json:"parcel"`
			TotalCents    int    `json:"total_cents"`
			Currency      string `json:"currency"`
		}
		if err := c.Bind(&req); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		origin, err := warehouses.originZip(c.Request().Context(), req.OrderID)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadGateway, err.Error())
		}
		req.Parcel.FromZip = origin
		var label struct {
			TrackingNumber string `json:"tracking_number"`
			URL            string `json:"label_url"`
		}
		if err := carriers.post(c.Request().Context(), "/v2/labels", req, &label); err != nil {
			return echo.NewHTTPError(http.StatusBadGateway, err.Error())
		}
		// The notification must not delay the label, and the request context is cancelled as
		// soon as we respond: publish in the background.
		go events.Shipped(context.Background(), shippedEvent{
			OrderID:        req.OrderID,
			CustomerEmail:  req.CustomerEmail,
			TrackingNumber: label.TrackingNumber,
			TotalCents:     req.TotalCents,
			Currency:       req.Currency,
		})
		return c.JSON(http.StatusCreated, label)
	}
}
