from flask import Blueprint

bp = Blueprint("funded_tasks", __name__, url_prefix="/tasks")
