from django.urls import path, re_path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),  # expect: entrypoints-python
    path("<int:order_id>/", views.order_detail, name="detail"),  # expect: entrypoints-python
    re_path(r"^(?P<order_id>[0-9]+)/invoice\.pdf$", views.invoice_pdf, name="invoice"),  # expect: entrypoints-python
]
