import ddtrace.auto  # noqa: F401 -- patch before anything else is imported

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.post("/notify/{user_id}")
async def notify(user_id: int):
    async with httpx.AsyncClient() as client:
        await client.post("http://push-gateway/send", json={"user": user_id})
    return {"sent": True}
