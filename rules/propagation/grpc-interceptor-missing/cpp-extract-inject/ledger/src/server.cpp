#include <datadog/dict_reader.h>
#include <datadog/dict_writer.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <string>

#include "accounts.grpc.pb.h"
#include "ledger.grpc.pb.h"

namespace dd = datadog::tracing;

class MetadataReader : public dd::DictReader {
 public:
  explicit MetadataReader(const std::multimap<grpc::string_ref, grpc::string_ref>& md) : md_(md) {}
  dd::Optional<dd::StringView> lookup(dd::StringView key) const override {
    auto it = md_.find(grpc::string_ref(key.data(), key.size()));
    if (it == md_.end()) return dd::nullopt;
    return dd::StringView(it->second.data(), it->second.size());
  }
  void visit(const std::function<void(dd::StringView, dd::StringView)>& visitor) const override {
    for (const auto& [k, v] : md_) visitor(dd::StringView(k.data(), k.size()), dd::StringView(v.data(), v.size()));
  }

 private:
  const std::multimap<grpc::string_ref, grpc::string_ref>& md_;
};

class MetadataWriter : public dd::DictWriter {
 public:
  explicit MetadataWriter(grpc::ClientContext& ctx) : ctx_(ctx) {}
  void set(dd::StringView key, dd::StringView value) override {
    ctx_.AddMetadata(std::string(key), std::string(value));
  }

 private:
  grpc::ClientContext& ctx_;
};

class LedgerService final : public ledger::Ledger::Service {
 public:
  LedgerService(dd::Tracer& tracer, std::shared_ptr<grpc::Channel> accounts)
      : tracer_(tracer), accounts_(accounts::Accounts::NewStub(accounts)) {}

  grpc::Status Post(grpc::ServerContext* ctx, const ledger::Entry* entry, ledger::Receipt* out) override {
    dd::SpanConfig options;
    options.name = "ledger.post";
    auto span = tracer_.extract_or_create_span(MetadataReader(ctx->client_metadata()), options);
    grpc::ClientContext client_ctx;
    MetadataWriter writer(client_ctx);
    span.inject(writer);
    accounts::Balance balance;
    accounts::AccountId id;
    id.set_value(entry->account());
    auto status = accounts_->GetBalance(&client_ctx, id, &balance);
    if (!status.ok()) return status;
    out->set_balance(balance.cents() + entry->cents());
    return grpc::Status::OK;
  }

 private:
  dd::Tracer& tracer_;
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

  auto channel = grpc::CreateChannel("accounts:50051", grpc::InsecureChannelCredentials());
  LedgerService service(tracer, channel);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("0.0.0.0:50051", grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  builder.BuildAndStart()->Wait();
}
