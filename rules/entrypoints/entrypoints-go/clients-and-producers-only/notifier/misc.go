package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/nats-io/nats.go"
	"github.com/robfig/cron/v3"
)

type settings map[string]string

func (s settings) Get(key, fallback string) string {
	if v, ok := s[key]; ok {
		return v
	}
	return fallback
}

// Handlers and helpers that read from the request but register nothing.
func userID(c *gin.Context) string {
	v, _ := c.Get("user")
	_ = c.GetHeader("/x-request-id")
	return v.(string)
}

func itemID(r *http.Request) string { return chi.URLParam(r, "itemID") }

func subscribe(nc *nats.Conn, s settings) {
	nc.Subscribe("updates", func(m *nats.Msg) {})
	_ = s.Get("/feature/flags", "off")
	_ = cron.New()
}
