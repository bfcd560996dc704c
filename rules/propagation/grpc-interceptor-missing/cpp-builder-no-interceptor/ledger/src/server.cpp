#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>

#include "accounts.grpc.pb.h"
#include "ledger.grpc.pb.h"

namespace dd = datadog::tracing;

class LedgerService final : public ledger::Ledger::Service {
 public:
  explicit LedgerService(std::shared_ptr<grpc::Channel> accounts)
      : accounts_(accounts::Accounts::NewStub(accounts)) {}

  grpc::Status Post(grpc::ServerContext* ctx, const ledger::Entry* entry, ledger::Receipt* out) override {
    grpc::ClientContext client_ctx;
    accounts::Balance balance;
    accounts::AccountId id;
    id.set_value(entry->account());
    auto status = accounts_->GetBalance(&client_ctx, id, &balance);
    if (!status.ok()) return status;
    out->set_balance(balance.cents() + entry->cents());
    return grpc::Status::OK;
  }

 private:
  std::unique_ptr<accounts::Accounts::Stub> accounts_;
};

int main() {
  dd::TracerConfig config;
  config.service = "ledger";
  auto validated = dd::finalize_config(config);
  if (auto* error = validated.if_error()) {
    std::cerr << *error << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  auto channel = grpc::CreateChannel("accounts:50051", grpc::InsecureChannelCredentials());  // expect: grpc-interceptor-missing
  LedgerService service(channel);
  grpc::ServerBuilder builder;  // expect: grpc-interceptor-missing
  builder.AddListeningPort("0.0.0.0:50051", grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  builder.BuildAndStart()->Wait();
}
