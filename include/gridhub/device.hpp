// The Gridhub device SDK: include this one header. See docs/sdk.md.
#pragma once
#include "gridhub/device/client.hpp"
#include "gridhub/device/commands.hpp"
#include "gridhub/device/errc.hpp"
#include "gridhub/device/message.hpp"
#include "gridhub/device/options.hpp"
#include "gridhub/device/requests.hpp"
#include "gridhub/device/runtime.hpp"
