from flask import Blueprint, Flask, jsonify, request

app = Flask(__name__)
refunds = Blueprint("refunds", __name__, url_prefix="/refunds")


@app.post("/payments")  # expect: entrypoint-uninstrumented
def create_payment():
    return jsonify(id="pay_1", amount=request.json["amount"]), 201


@app.get("/payments/<payment_id>")  # expect: entrypoint-uninstrumented
def get_payment(payment_id):
    return jsonify(id=payment_id)


@refunds.post("/<payment_id>")  # expect: entrypoint-uninstrumented
def refund(payment_id):
    return jsonify(id=payment_id, refunded=True)


app.register_blueprint(refunds)
