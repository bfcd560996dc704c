from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles


async def homepage(request):
    return PlainTextResponse("webhooks")


async def github(request):
    payload = await request.json()
    return JSONResponse({"received": payload.get("action")})


async def stripe(request):
    return JSONResponse({"ok": True})


routes = [
    Route("/", homepage),  # expect: entrypoints-python
    Mount(
        "/hooks",
        routes=[
            Route("/github", github, methods=["POST"]),  # expect: entrypoints-python
            Route("/stripe/{account_id}", endpoint=stripe, methods=["POST"]),  # expect: entrypoints-python
        ],
    ),
    Mount("/static", app=StaticFiles(directory="static"), name="static"),
]

app = Starlette(debug=False, routes=routes)
