from fastapi import FastAPI

app = FastAPI()


@app.get("/recommendations/{user_id}")
def recommend(user_id: int):
    return {"user": user_id, "items": [101, 205, 309]}
