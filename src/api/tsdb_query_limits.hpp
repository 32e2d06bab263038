// Every bound the TSDB data API enforces (STYLE.md item 5; EnOS's where it has one); tests check each at N
// and N+1.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gridhub::api {

// Series (assets x points) one request may name (EnOS: 3,000; /di: 10).
inline constexpr std::size_t kMaxTsdbSeries = 3000;
inline constexpr std::size_t kMaxTsdbDiSeries = 10;
// assets x points x pageSize of one read (EnOS: 640,000).
inline constexpr std::size_t kMaxTsdbPagePoints = 640000;
// Points per series and page when pageSize is not given (fewer when the series are many: see above).
inline constexpr std::size_t kDefaultTsdbPageSize = 1000;
// Items of one list field (assetIds, pointIds, deviceKeys, pointIdsWithLogic); deletes name assets only.
inline constexpr std::size_t kMaxTsdbListItems = 3000;
// One asset id, point id or device key (the store's own id bound).
inline constexpr std::size_t kMaxTsdbIdBytes = 256;
// /ai-normalized: interval in minutes (EnOS: 0..1440), and windows one series may span (the store's bound).
inline constexpr int kMaxTsdbIntervalMinutes = 1440;
inline constexpr int64_t kMaxTsdbWindows = 1000000;
// /latest timeWindow in minutes (ten years).
inline constexpr int64_t kMaxTsdbTimeWindowMinutes = 10LL * 366 * 1440;
// /di keeps only state changes: it reads at most this many stored points of one series per page, then returns
// what it found with a cursor (so a long unchanged state cannot make one request scan without bound).
inline constexpr std::size_t kMaxTsdbDiScanPoints = 256 * 1024;
// /di autoInterpolate looks this far back for the state before startTime (EnOS: 30 days).
inline constexpr int64_t kTsdbDiLookbackMs = 30LL * 24 * 3600 * 1000;

}  // namespace gridhub::api
