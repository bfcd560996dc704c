"""HTTP client helpers used by the CLI: outbound calls only, no routes."""
import requests

from tools.config import settings

session = requests.Session()


def get_user(user_id):
    return session.get(f"{settings.api}/users/{user_id}", timeout=5).json()


def post_event(event):
    return requests.post("/events", json=event, timeout=5)


def lookup(routes, name):
    return routes.get("/" + name) or routes.get("/default")


def delete_cache(cache):
    cache.delete("/users")
