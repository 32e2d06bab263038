// Every device-facing EnOS return code of spec §3 (the "code" of a reply), named once for the whole code
// base.
#pragma once

namespace gridhub::enos {

inline constexpr int kSuccess = 200;
// Python ResponseCode.
inline constexpr int kInternalError = 400;
inline constexpr int kAuthFailed = 401;
inline constexpr int kDeviceNotExist = 402;
inline constexpr int kTooManyRequests = 429;
inline constexpr int kParamError = 460;
// EnOS common codes.
inline constexpr int kTooLarge = 1008;             // message too large, discarded
inline constexpr int kTopicNotAllowed = 1009;      // topic not allowed, or device not logged in
inline constexpr int kParseError = 1200;           // e.g. topo/get from a non-gateway device
inline constexpr int kModelValidateFailed = 1204;  // payload does not match the thing model
inline constexpr int kBadJson = 1220;              // payload is not valid JSON
inline constexpr int kEmptyPayload = 1251;
inline constexpr int kMethodMismatch = 1260;  // method inconsistent with topic (not enforced, spec §2)
// Java ResponseCode bases for generic errors.
inline constexpr int kProductErrorBase = 600;
inline constexpr int kDeviceErrorBase = 700;
inline constexpr int kDataErrorBase = 800;
inline constexpr int kModelErrorBase = 900;
inline constexpr int kTransportErrorBase = 1000;
inline constexpr int kClientErrorBase = 1100;
// Codes devices send back to the cloud.
inline constexpr int kNoHandler = 1101;           // SDK auto-reply: no handler registered for the command
inline constexpr int kHandlerFailed = 1102;       // Java: the command handler threw
inline constexpr int kHandlerFailedPython = 500;  // Python: the command handler threw
inline constexpr int kUserErrorBase = 2000;       // >= this: user-defined device error codes
// Python SDK constants.
inline constexpr int kServerTimeout = 6205;
inline constexpr int kPayloadMustBeJson = 6207;
inline constexpr int kLocalTimeout = 6305;
inline constexpr int kRrpcHandlerMissing = 10001;
inline constexpr int kDeviceDefinedErrorBase = 100000;

}  // namespace gridhub::enos
