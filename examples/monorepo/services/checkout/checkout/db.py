"""Postgres access for carts and orders."""

import os
import uuid

import psycopg2
import psycopg2.extras

_DSN = os.environ.get("CHECKOUT_DATABASE_URL", "postgresql://checkout@localhost/checkout")


def _connect():
    return psycopg2.connect(_DSN, cursor_factory=psycopg2.extras.RealDictCursor)


def load_cart(cart_id):
    with _connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, currency FROM carts WHERE id = %s", (cart_id,))
        cart = cur.fetchone()
        if cart is None:
            return None
        cur.execute(
            "SELECT sku, quantity, price_cents FROM cart_items WHERE cart_id = %s",
            (cart_id,),
        )
        cart["items"] = cur.fetchall()
        return cart


def add_item(cart_id, sku, quantity):
    with _connect() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cart_items (cart_id, sku, quantity, price_cents) "
            "SELECT %s, sku, %s, price_cents FROM prices WHERE sku = %s "
            "ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity",
            (cart_id, quantity, sku),
        )


def create_order(cart, payment_id):
    order_id = str(uuid.uuid4())
    with _connect() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (id, cart_id, payment_id) VALUES (%s, %s, %s)",
            (order_id, cart["id"], payment_id),
        )
    return order_id
