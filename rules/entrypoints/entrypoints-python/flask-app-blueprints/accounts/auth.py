import functools

from flask import abort, g, request


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapped


def current_token():
    return request.headers.get("Authorization", "").removeprefix("Bearer ")
