#include <drogon/drogon.h>

using namespace drogon;

int main() {
  app().registerHandler("/version", [](const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback) { // expect: entrypoints-cpp
    callback(HttpResponse::newHttpResponse());
  });
  drogon::app().registerHandler( // expect: entrypoints-cpp
      "/login?user={name}",
      [](const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback, const std::string& name) {
        callback(HttpResponse::newHttpResponse());
      },
      {Post, "LoginFilter"});
  app().addListener("0.0.0.0", 8080).run();
}
