from fastapi import FastAPI

app = FastAPI()
STOCK = {"sku-1": 12, "sku-2": 0}


@app.get("/stock/{sku}")
def stock(sku: str):
    return {"sku": sku, "qty": STOCK.get(sku, 0)}
