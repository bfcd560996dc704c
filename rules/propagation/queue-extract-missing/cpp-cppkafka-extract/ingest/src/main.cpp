#include <cppkafka/cppkafka.h>
#include <datadog/dict_reader.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>

#include <iostream>
#include <string>

namespace dd = datadog::tracing;

class MessageHeaderReader : public dd::DictReader {
 public:
  explicit MessageHeaderReader(const cppkafka::Message& msg) : msg_(msg) {}
  dd::Optional<dd::StringView> lookup(dd::StringView key) const override {
    for (const auto& h : msg_.get_header_list()) {
      if (h.get_name() == key) {
        value_ = std::string(h.get_value());
        return dd::StringView(value_);
      }
    }
    return dd::nullopt;
  }
  void visit(const std::function<void(dd::StringView, dd::StringView)>& visitor) const override {
    for (const auto& h : msg_.get_header_list()) {
      std::string v(h.get_value());
      visitor(h.get_name(), v);
    }
  }

 private:
  const cppkafka::Message& msg_;
  mutable std::string value_;
};

int main() {
  dd::TracerConfig config;
  config.service = "ingest";
  auto validated = dd::finalize_config(config);
  if (auto* error = validated.if_error()) {
    std::cerr << *error << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  cppkafka::Configuration kafka_config = {
      {"metadata.broker.list", "kafka:9092"},
      {"group.id", "ingest"},
  };
  cppkafka::Consumer consumer(kafka_config);
  consumer.subscribe({"metrics.raw"});
  while (true) {
    cppkafka::Message msg = consumer.poll();
    if (!msg || msg.get_error()) continue;
    dd::SpanConfig options;
    options.name = "ingest.store";
    auto span = tracer.extract_or_create_span(MessageHeaderReader(msg), options);
    std::cout << msg.get_payload() << '\n';
  }
}
