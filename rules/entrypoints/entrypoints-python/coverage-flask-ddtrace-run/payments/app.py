from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/payments")  # expect: entrypoints-python
def create_payment():
    return jsonify(id="pay_1", amount=request.json["amount"]), 201


@app.get("/payments/<payment_id>")  # expect: entrypoints-python
def get_payment(payment_id):
    return jsonify(id=payment_id)
