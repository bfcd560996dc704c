from django.contrib import admin
from django.urls import include, path, re_path
from rest_framework import routers

from orders import views as order_views
from shop import views

router = routers.DefaultRouter()
router.register(r"customers", views.CustomerViewSet, basename="customer")  # expect: entrypoints-python

urlpatterns = [
    path("", views.home, name="home"),  # expect: entrypoints-python
    path("admin/", admin.site.urls),  # expect: entrypoints-python
    path("orders/", include("orders.urls")),  # expect: entrypoints-python
    path("api/", include(router.urls)),  # expect: entrypoints-python
    path(
        "reports/",
        include(
            [
                path("daily/", order_views.DailyReportView.as_view(), name="daily"),  # expect: entrypoints-python
                re_path(r"^monthly/(?P<year>[0-9]{4})/$", order_views.monthly_report),  # expect: entrypoints-python
            ]
        ),
    ),
]
