"""Nightly CSV exports for finance. Frozen; replaced by the billing service in 2025."""

import io

import pandas as pd
from flask import Flask, Response

app = Flask(__name__)


@app.get("/exports/<month>.csv")
def export(month):
    frame = pd.read_sql_table("monthly_revenue", "postgresql://reports@db/reports")
    buf = io.StringIO()
    frame[frame["month"] == month].to_csv(buf, index=False)
    return Response(buf.getvalue(), mimetype="text/csv")
