import os

import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)


def db():
    return psycopg2.connect(os.environ["DATABASE_URL"])


@app.get("/orders/<int:order_id>")
def get_order(order_id):
    with db() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, status FROM orders WHERE id = %s", (order_id,))
        row = cur.fetchone()
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(id=row[0], status=row[1])


@app.post("/orders")
def create_order():
    payload = request.get_json()
    with db() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO orders (sku) VALUES (%s) RETURNING id", (payload["sku"],))
        order_id = cur.fetchone()[0]
    return jsonify(id=order_id), 201
