#include <grpcpp/grpcpp.h>

#include "httplib.h"
#include "storage.grpc.pb.h"

// A batch uploader: HTTP and gRPC clients only, no server.
class Uploader {
 public:
  explicit Uploader(const std::string& base) : http_(base) {}

  bool upload(const std::string& name, const std::string& body) {
    httplib::Headers headers = {{"Content-Type", "application/octet-stream"}};
    auto res = http_.Post("/objects/" + name, headers, body, "application/octet-stream");
    auto meta = http_.Get("/objects/index", headers);
    return res && meta;
  }

 private:
  httplib::Client http_;
};

int main() {
  auto channel = grpc::CreateChannel("storage:50051", grpc::InsecureChannelCredentials());
  auto stub = storage::Store::NewStub(channel);
  Uploader up("http://storage:9000");
  up.upload("a.bin", "data");
}
