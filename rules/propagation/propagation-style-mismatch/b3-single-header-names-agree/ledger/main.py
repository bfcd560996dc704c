from fastapi import FastAPI

app = FastAPI()
ENTRIES = []


@app.post("/entries/{bill_id}")
def add_entry(bill_id: str):
    ENTRIES.append(bill_id)
    return {"entries": len(ENTRIES)}
