#pragma once
// Internal to the api module: each resource file adds its routes.
#include <functional>

#include "api/api.h"

namespace watchfloor::api {

void add_auth_routes(http::Router& r, Services& s);
void add_unit_routes(http::Router& r, Services& s);
void add_user_routes(http::Router& r, Services& s);
void add_audit_routes(http::Router& r, Services& s);
void add_duty_routes(http::Router& r, Services& s);
void add_ops_routes(http::Router& r, Services& s);
void add_ws_routes(http::Router& r, Services& s);

// A query parameter, or nullopt when absent or empty.
std::optional<std::string> query(const http::Context& ctx, const std::string& key);

// Runs a change and its audit entries in one transaction: both commit or neither does.
void write(Services& s, const std::function<void()>& body);

}  // namespace watchfloor::api
