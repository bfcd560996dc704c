from flask import Blueprint, jsonify
from ddtrace import tracer

users_bp = Blueprint("users", __name__, url_prefix="/users")
admin = Blueprint("admin", __name__, url_prefix="/admin")


@users_bp.route("/", methods=["POST"])  # expect: entrypoints-python
def create_user():
    return jsonify(created=True), 201


@users_bp.get("/<int:user_id>")  # expect: entrypoints-python
@tracer.wrap("users.get")
def get_user(user_id):
    return jsonify(id=user_id)


@admin.delete("/users/<int:user_id>")  # expect: entrypoints-python
def delete_user(user_id):
    return "", 204
