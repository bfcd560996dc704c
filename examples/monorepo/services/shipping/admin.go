package main

import (
	"log"
	"net/http"

	"github.com/labstack/echo/v4"
)

// startAdmin serves the operations endpoints on a separate port that only the cluster network
// reaches (support tooling voids labels and checks carrier connectivity from here).
func startAdmin(carriers *carrierClient) {
	admin := echo.New()
	admin.HideBanner = true

	admin.GET("/admin/carriers/ping", func(c echo.Context) error {
		var status struct {
			OK bool `json:"ok"`
		}
		if err := carriers.post(c.Request().Context(), "/v2/ping", struct{}{}, &status); err != nil {
			return echo.NewHTTPError(http.StatusBadGateway, err.Error())
		}
		return c.JSON(http.StatusOK, status)
	})
	admin.POST("/admin/labels/:tracking/void", func(c echo.Context) error {
		var voided struct {
			Refunded bool `json:"refunded"`
		}
		err := carriers.post(c.Request().Context(), "/v2/labels/void",
			map[string]string{"tracking_number": c.Param("tracking")}, &voided)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadGateway, err.Error())
		}
		return c.JSON(http.StatusOK, voided)
	})

	log.Fatal(admin.Start(":8081"))
}
