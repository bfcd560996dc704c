import json
import http.client
import urllib.request

from flask import Flask, jsonify

app = Flask(__name__)


def fetch_sales(region):
    with urllib.request.urlopen(f"http://sales:8000/regions/{region}/totals", timeout=5) as resp:  # expect: http-client-not-propagating
        return json.load(resp)


def fetch_forecast(region):
    conn = http.client.HTTPConnection("forecast", 8000, timeout=5)  # expect: http-client-not-propagating
    conn.request("GET", f"/forecast/{region}")
    return json.loads(conn.getresponse().read())


@app.get("/reports/<region>")
def report(region):
    return jsonify(sales=fetch_sales(region), forecast=fetch_forecast(region))
