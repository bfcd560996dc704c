from fastapi import APIRouter, FastAPI
from ddtrace import tracer

from app.routers import items

app = FastAPI(title="catalog")
admin = APIRouter(prefix="/admin", tags=["admin"])


@app.get("/healthz")  # expect: entrypoints-python
async def healthz():
    return {"status": "ok"}


@app.api_route("/search", methods=["GET", "POST"])  # expect: entrypoints-python
async def search(q: str = ""):
    with tracer.trace("catalog.search"):
        return {"q": q, "results": []}


@admin.post("/reindex")  # expect: entrypoints-python
async def reindex():
    return {"queued": True}


@admin.delete("/cache/{key}")  # expect: entrypoints-python
async def evict(key: str):
    return {"evicted": key}


async def metrics():
    return {}


app.add_api_route("/metrics", metrics, methods=["GET"])  # expect: entrypoints-python
app.include_router(admin, prefix="/internal")
app.include_router(items.router)


@app.on_event("startup")
async def startup():
    pass


@app.middleware("http")
async def add_header(request, call_next):
    response = await call_next(request)
    response.headers["X-Service"] = "catalog"
    return response
