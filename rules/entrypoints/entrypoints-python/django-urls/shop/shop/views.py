from django.http import HttpResponse
from rest_framework import viewsets

from orders.models import Customer
from orders.serializers import CustomerSerializer


def home(request):
    return HttpResponse("shop")


class CustomerViewSet(viewsets.ModelViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
