package main

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var errInsufficientStock = errors.New("insufficient stock")

type stockStore struct {
	pool *pgxpool.Pool
}

type handlers struct {
	stock *stockStore
}

type reservationRequest struct {
	OrderID  string `json:"order_id" binding:"required"`
	SKU      string `json:"sku" binding:"required"`
	Quantity int    `json:"quantity" binding:"required,min=1"`
}

func (h *handlers) getStock(c *gin.Context) {
	var available int
	err := h.stock.pool.QueryRow(c.Request.Context(),
		`SELECT on_hand - reserved FROM stock WHERE sku = $1`, c.Param("sku")).Scan(&available)
	if errors.Is(err, pgx.ErrNoRows) {
		c.JSON(http.StatusNotFound, gin.H{"error": "unknown sku"})
		return
	}
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"sku": c.Param("sku"), "available": available})
}

func (h *handlers) reserve(c *gin.Context) {
	var req reservationRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	var id string
	err := pgx.BeginFunc(c.Request.Context(), h.stock.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(c.Request.Context(),
			`UPDATE stock SET reserved = reserved + $2 WHERE sku = $1 AND on_hand - reserved >= $2`,
			req.SKU, req.Quantity)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errInsufficientStock
		}
		return tx.QueryRow(c.Request.Context(),
			`INSERT INTO reservations (order_id, sku, quantity) VALUES ($1, $2, $3) RETURNING id`,
			req.OrderID, req.SKU, req.Quantity).Scan(&id)
	})
	switch {
	case errors.Is(err, errInsufficientStock):
		c.JSON(http.StatusConflict, gin.H{"error": err.Error()})
	case err != nil:
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
	default:
		c.JSON(http.StatusCreated, gin.H{"reservation_id": id})
	}
}

func (h *handlers) release(c *gin.Context) {
	_, err := h.stock.pool.Exec(c.Request.Context(),
		`WITH r AS (DELETE FROM reservations WHERE id = $1 RETURNING sku, quantity)
		 UPDATE stock SET reserved = stock.reserved - r.quantity FROM r WHERE stock.sku = r.sku`,
		c.Param("id"))
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		return
	}
	c.Status(http.StatusNoContent)
}
