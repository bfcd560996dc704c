from pathlib import Path

from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from .models import Order

INVOICE_DIR = Path("/var/lib/shop/invoices")


class OrderListView(ListView):
    model = Order
    paginate_by = 25


class DailyReportView(TemplateView):
    template_name = "orders/daily.html"


def order_detail(request, order_id):
    order = get_object_or_404(Order, pk=order_id)
    return JsonResponse({"id": order.pk, "total": str(order.total)})


def monthly_report(request, year):
    return JsonResponse({"year": year, "orders": Order.objects.filter(created__year=year).count()})


def invoice_pdf(request, order_id):
    path = INVOICE_DIR / f"{order_id}.pdf"
    return FileResponse(path.open("rb"), content_type="application/pdf")
