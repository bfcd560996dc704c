from concurrent import futures

import grpc
from ddtrace import tracer

from fulfilment.proto import fulfilment_pb2, fulfilment_pb2_grpc, health_pb2_grpc
from fulfilment.health import HealthServicer


class Fulfilment(fulfilment_pb2_grpc.FulfilmentServicer):
    def Ship(self, request, context):
        with tracer.trace("fulfilment.ship"):
            return fulfilment_pb2.ShipReply(tracking_id="T-1")


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    fulfilment_pb2_grpc.add_FulfilmentServicer_to_server(Fulfilment(), server)  # expect: entrypoints-python
    health_pb2_grpc.add_HealthServicer_to_server(HealthServicer(), server)  # expect: entrypoints-python
    server.add_insecure_port("[::]:50051")
    server.start()
    server.wait_for_termination()
