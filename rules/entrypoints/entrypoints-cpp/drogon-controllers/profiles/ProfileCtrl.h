#pragma once
#include <drogon/HttpController.h>
#include <drogon/HttpSimpleController.h>

using namespace drogon;

namespace api {
namespace v1 {
class Profile : public drogon::HttpController<Profile> {
 public:
  METHOD_LIST_BEGIN
  METHOD_ADD(Profile::getProfile, "/{id}", Get);               // expect: entrypoints-cpp
  METHOD_ADD(Profile::updateProfile, "/{id}", Put, Post);     // expect: entrypoints-cpp
  ADD_METHOD_TO(Profile::search, "/search/profiles", Get);     // expect: entrypoints-cpp
  METHOD_LIST_END

  void getProfile(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback, std::string id);
  void updateProfile(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback, std::string id);
  void search(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback);
};
}  // namespace v1
}  // namespace api

class Ping : public drogon::HttpSimpleController<Ping> {
 public:
  void asyncHandleHttpRequest(const HttpRequestPtr& req, std::function<void(const HttpResponsePtr&)>&& callback) override;
  PATH_LIST_BEGIN
  PATH_ADD("/ping", Get); // expect: entrypoints-cpp
  PATH_LIST_END
};
