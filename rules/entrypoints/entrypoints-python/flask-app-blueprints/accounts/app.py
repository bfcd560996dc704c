from flask import Flask, jsonify, request
from flask.views import MethodView
from ddtrace import tracer

from accounts.auth import login_required
from accounts.cache import cache
from accounts.users import users_bp

app = Flask(__name__)
cache.init_app(app)


@app.route("/health")  # expect: entrypoints-python
def health():
    return jsonify(status="ok")


@app.route("/accounts", methods=["GET", "POST"])  # expect: entrypoints-python
@login_required
def accounts():
    if request.method == "POST":
        with tracer.trace("accounts.create", resource="POST /accounts"):
            return jsonify(created=True), 201
    return jsonify([])


@app.get("/accounts/<int:account_id>")  # expect: entrypoints-python
@cache.cached(timeout=60)
def get_account(account_id):
    return jsonify(id=account_id)


class StatementAPI(MethodView):
    def get(self, account_id):
        return jsonify([])

    def delete(self, account_id):
        return "", 204


def ping():
    return "pong"


app.add_url_rule(  # expect: entrypoints-python
    "/accounts/<int:account_id>/statements",
    view_func=StatementAPI.as_view("statements"),
)
app.add_url_rule("/ping", "ping", ping)  # expect: entrypoints-python


@app.errorhandler(404)
def not_found(error):
    return jsonify(error="not found"), 404


@app.before_request
def log_request():
    app.logger.debug("%s %s", request.method, request.path)


@app.cli.command("seed")
def seed():
    print("seeding")


app.register_blueprint(users_bp, url_prefix="/v2/users")
