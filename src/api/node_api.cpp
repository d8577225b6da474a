// Placeholder until the node API lands (the helper's branch wt-nodelink replaces this file).
#include "api/api.h"

namespace watchfloor::api {
http::Handler make_node_handler(NodeApi) {
  return [](http::Request&) { return http::Response::problem(core::Problem::internal()); };
}
}  // namespace watchfloor::api
