import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev")
ROOT_URLCONF = "shop.urls"
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "rest_framework", "orders"]
STATIC_URL = "static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
