#include <cppkafka/cppkafka.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>

#include <iostream>

namespace dd = datadog::tracing;

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
    cppkafka::Message msg = consumer.poll();  // expect: queue-extract-missing
    if (!msg || msg.get_error()) continue;
    dd::SpanConfig options;
    options.name = "ingest.store";
    auto span = tracer.create_span(options);
    std::cout << msg.get_payload() << '\n';
  }
}
