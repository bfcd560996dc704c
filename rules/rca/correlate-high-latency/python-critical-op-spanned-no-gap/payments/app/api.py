from flask import Flask, jsonify, request

from .checkout import place_order
from .models import Cart

app = Flask(__name__)


@app.post("/orders")
def create_order():
    cart = Cart.load(request.json["cart_id"])
    order = place_order(cart, request.json["card_token"])
    return jsonify(id=order.id), 201
