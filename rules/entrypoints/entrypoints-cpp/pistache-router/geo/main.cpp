#include <datadog/tracer.h>
#include <pistache/endpoint.h>
#include <pistache/router.h>

using namespace Pistache;

class GeoApi {
 public:
  explicit GeoApi(datadog::tracing::Tracer& tracer) : tracer_(tracer) {}

  void setupRoutes(Rest::Router& router) {
    Rest::Routes::Get(router, "/cities/:id", Rest::Routes::bind(&GeoApi::getCity, this));       // expect: entrypoints-cpp
    Rest::Routes::Post(router, "/cities", Rest::Routes::bind(&GeoApi::createCity, this));       // expect: entrypoints-cpp
  }

 private:
  void getCity(const Rest::Request& request, Http::ResponseWriter response) {
    auto span = tracer_.create_span();
    span.set_name("geo.city");
    response.send(Http::Code::Ok, "city");
  }

  void createCity(const Rest::Request& request, Http::ResponseWriter response) {
    response.send(Http::Code::Created);
  }

  datadog::tracing::Tracer& tracer_;
};
