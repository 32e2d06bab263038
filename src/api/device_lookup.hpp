// The device a call addresses (EnOS: `assetId`, or `productKey` + `deviceKey`, in the query), looked up in the
// call's OU only: a key of another OU's device is simply not found.
#pragma once
#include <boost/system/result.hpp>
#include <string>

#include "api/api_call.hpp"
#include "api/context.hpp"

namespace gridhub::api {

// errc::invalid_param when neither form is given; registry::errc::not_found when no such device is in the OU.
// `message` says which.
boost::system::result<registry::Device> find_device(ApiContext& ctx, const ApiCall& call, std::string& message);

}  // namespace gridhub::api
