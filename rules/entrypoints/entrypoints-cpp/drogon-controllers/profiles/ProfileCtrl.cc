#include "ProfileCtrl.h"

#include <datadog/span_config.h>
#include <datadog/tracer.h>

extern datadog::tracing::Tracer& tracer();

using namespace api::v1;

void Profile::getProfile(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback, std::string id) {
  datadog::tracing::SpanConfig cfg;
  cfg.name = "profiles.get";
  auto span = tracer().create_span(cfg);
  callback(HttpResponse::newHttpResponse());
}

void Profile::updateProfile(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback, std::string id) {
  callback(HttpResponse::newHttpResponse());
}

void Profile::search(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback) {
  callback(HttpResponse::newHttpResponse());
}
