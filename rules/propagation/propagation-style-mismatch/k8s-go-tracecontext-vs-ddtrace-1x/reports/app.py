from flask import Flask, request

app = Flask(__name__)
SALES = []


@app.post("/sales")
def record_sale():
    SALES.append(request.get_json(silent=True) or {})
    return {"count": len(SALES)}, 201
