#include <datadog/dict_writer.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <librdkafka/rdkafkacpp.h>

#include <iostream>
#include <memory>
#include <string>

namespace dd = datadog::tracing;

class KafkaHeaderWriter : public dd::DictWriter {
 public:
  explicit KafkaHeaderWriter(RdKafka::Headers* headers) : headers_(headers) {}
  void set(dd::StringView key, dd::StringView value) override {
    headers_->add(std::string(key), std::string(value));
  }

 private:
  RdKafka::Headers* headers_;
};

int main() {
  dd::TracerConfig config;
  config.service = "telemetry";
  auto validated = dd::finalize_config(config);
  if (auto* error = validated.if_error()) {
    std::cerr << *error << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", "kafka:9092", err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));

  std::string line;
  while (std::getline(std::cin, line)) {
    dd::SpanConfig options;
    options.name = "telemetry.forward";
    auto span = tracer.create_span(options);
    RdKafka::Headers* headers = RdKafka::Headers::create();
    KafkaHeaderWriter writer(headers);
    span.inject(writer);
    producer->produce("metrics.raw", RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                      const_cast<char*>(line.data()), line.size(), nullptr, 0, 0, headers, nullptr);
    producer->poll(0);
  }
  producer->flush(10000);
}
