#include <httplib.h>
#include <nlohmann/json.hpp>

int main() {
  httplib::Server server;
  server.Get(R"(/price/(\w+))", [](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = {{"sku", req.matches[1]}, {"cents", 1299}};
    res.set_content(body.dump(), "application/json");
  });
  server.listen("0.0.0.0", 8080);
}
