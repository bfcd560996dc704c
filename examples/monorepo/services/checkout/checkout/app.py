"""Checkout API: carts and order placement."""

import os

from flask import Flask, abort, jsonify, request

from checkout import db, events
from checkout.payments import PaymentError, charge

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/carts/<cart_id>")
def get_cart(cart_id):
    cart = db.load_cart(cart_id)
    if cart is None:
        abort(404)
    return jsonify(cart)


@app.post("/carts/<cart_id>/items")
def add_item(cart_id):
    body = request.get_json(force=True)
    db.add_item(cart_id, body["sku"], int(body.get("quantity", 1)))
    return jsonify(db.load_cart(cart_id)), 201


@app.post("/orders")
def place_order():
    body = request.get_json(force=True)
    cart = db.load_cart(body["cart_id"])
    if not cart or not cart["items"]:
        abort(400, "empty cart")
    total = sum(i["price_cents"] * i["quantity"] for i in cart["items"])
    try:
        payment_id = charge(body["customer_id"], total, cart["currency"])
    except PaymentError as err:
        return jsonify({"error": str(err)}), 402
    order_id = db.create_order(cart, payment_id)
    events.order_placed(order_id, body.get("email"), total, cart["currency"])
    return jsonify({"order_id": order_id, "total_cents": total}), 201


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8000")))
