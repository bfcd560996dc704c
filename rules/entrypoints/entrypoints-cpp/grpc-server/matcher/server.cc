#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <grpcpp/grpcpp.h>

#include "audit.grpc.pb.h"
#include "matcher.grpc.pb.h"

class MatcherServiceImpl final : public matching::Matcher::Service {
  grpc::Status Match(grpc::ServerContext* ctx, const matching::Order* req, matching::Fill* reply) override {
    return grpc::Status::OK;
  }
};

class AuditServiceImpl final : public audit::Audit::Service {
 public:
  explicit AuditServiceImpl(datadog::tracing::Tracer& tracer) : tracer_(tracer) {}

  grpc::Status Record(grpc::ServerContext* ctx, const audit::Event* req, audit::Ack* reply) override {
    datadog::tracing::SpanConfig cfg;
    cfg.name = "audit.record";
    auto span = tracer_.create_span(cfg);
    return grpc::Status::OK;
  }

 private:
  datadog::tracing::Tracer& tracer_;
};

int main() {
  datadog::tracing::TracerConfig config;
  auto tracer = datadog::tracing::Tracer(*datadog::tracing::finalize_config(config));
  MatcherServiceImpl service;
  AuditServiceImpl audit_service(tracer);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("0.0.0.0:50051", grpc::InsecureServerCredentials());
  builder.RegisterService(&service);       // expect: entrypoints-cpp
  builder.RegisterService(&audit_service); // expect: entrypoints-cpp
  std::unique_ptr<grpc::Server> server(builder.BuildAndStart());
  server->Wait();
}
