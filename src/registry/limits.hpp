// Every bound the registry enforces (STYLE.md item 5), mostly EnOS's own (spec enos-platform.md §1.2, §2,
// §4); tests check each at N and N+1.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace gridhub::registry {

// --- counts (EnOS: 2,000 products per OU, error 11739 past 10,000 devices per product, 1,000 models per OU)
// ---
inline constexpr int64_t kMaxProductsPerOrg = 2000;
inline constexpr int64_t kMaxDevicesPerProduct = 10000;
// Sub-devices in one gateway's topology (how many may be online at once is the hub's option).
inline constexpr int64_t kMaxSubDevicesPerGateway = 2000;
inline constexpr int64_t kMaxModelsPerOrg = 1000;
// Device certificates live at most 10 years (EnOS samples go up to maxValidDay 3650), one year unless asked.
inline constexpr int kMaxCertificateValidDays = 3650;
inline constexpr int kDefaultCertificateValidDays = 365;
// Storage policy groups (EnOS 2.3+: 5 per OU; 200 models per policy).
inline constexpr int64_t kMaxStorageGroupsPerOrg = 5;
inline constexpr std::size_t kMaxModelsPerStorageGroup = 200;
inline constexpr std::size_t kMaxStorageGroupNameChars = 64;
// Model x point pairs one storage type of a group may select.
inline constexpr std::size_t kMaxPointsPerStoragePolicy = 10000;
// A measure point id in a storage policy: the model's own identifier rule, 1..128 chars of [A-Za-z0-9_\-.]
// (model/limits.hpp kMaxIdentifierLength).
inline constexpr std::size_t kMaxPointIdLength = 128;
// Retention (EnOS "Storage Time"): 1..11 months ("1M".."11M") or 1..20 years ("1Y".."20Y").
inline constexpr int kMaxRetentionMonths = 11;
inline constexpr int kMaxRetentionYears = 20;
// Group ids are uint32 (the time-series store keys partitions by them) and never reused.
inline constexpr int64_t kMaxStorageGroupId = 0xFFFFFFFF;

// --- paging (EnOS: pageNo from 1, default size 10, at most 200 for product/device search) ---
inline constexpr int kDefaultPageSize = 10;
inline constexpr int kMaxPageSize = 200;

// --- generated keys, all over [A-Za-z0-9] ---
inline constexpr std::size_t kProductKeyLength = 8;
inline constexpr std::size_t kProductSecretLength = 16;
inline constexpr std::size_t kAssetIdLength = 8;
inline constexpr std::size_t kDeviceSecretLength = 20;
inline constexpr std::size_t kGeneratedDeviceKeyLength = 10;
// 40 chars over 62 symbols is ~238 bits: guessing is hopeless, so a plain hash (no salt, no KDF) is enough.
inline constexpr std::size_t kApiTokenLength = 40;
// Application keys (EnOS AccessKey / SecretKey).
inline constexpr std::size_t kAppKeyLength = 24;
inline constexpr std::size_t kAppSecretLength = 40;
inline constexpr std::size_t kMaxAppNameChars = 64;
// Console users: username 3..64 chars of [A-Za-z0-9_.@-]; passwords 8..128 bytes.
inline constexpr std::size_t kMinUsernameLength = 3;
inline constexpr std::size_t kMaxUsernameLength = 64;
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;
// Session tokens are as long as API tokens (and stored the same way, hashed).
inline constexpr std::size_t kSessionTokenLength = 40;
// OU ids look like EnOS's: "o" + 14 digits.
inline constexpr std::size_t kOrgIdDigits = 14;
// Collisions are astronomically rare at these lengths; this only bounds the loop.
inline constexpr int kKeyGenerationAttempts = 16;

// --- caller-chosen ids ---
// deviceKey given on create (replaceDevice rule): 4..64 chars of [A-Za-z0-9_-.:].
inline constexpr std::size_t kMinDeviceKeyLength = 4;
inline constexpr std::size_t kMaxDeviceKeyLength = 64;
// A caller-supplied assetId or deviceSecret (imports): 1..64 chars of [A-Za-z0-9].
inline constexpr std::size_t kMaxImportedKeyLength = 64;
// Model identifier: 1..64 chars of [A-Za-z0-9_-.].
inline constexpr std::size_t kMaxModelIdLength = 64;

// --- sizes of free-form fields ---
// A model's console-export JSON (5,000 elements at ~1 KiB each fit comfortably), and its draft.
inline constexpr std::size_t kMaxModelBodyBytes = 8 * 1024 * 1024;
// Each string of an i18n name (defaultValue and every i18nValue), and the number of locales.
inline constexpr std::size_t kMaxNameBytes = 512;
inline constexpr std::size_t kMaxNameLocales = 32;
inline constexpr std::size_t kMaxOrgNameBytes = 256;
inline constexpr std::size_t kMaxDescriptionBytes = 2048;
// Tags (EnOS: at most 100 per object; key [A-Za-z0-9_-/] up to 50 chars; value up to 200 chars).
inline constexpr std::size_t kMaxTags = 100;
inline constexpr std::size_t kMaxTagKeyLength = 50;
inline constexpr std::size_t kMaxTagValueLength = 200;
// A device's attributes serialized as JSON.
inline constexpr std::size_t kMaxAttributesBytes = 256 * 1024;
// "+08:00" or an IANA name such as "America/Argentina/ComodRivadavia".
inline constexpr std::size_t kMaxTimezoneLength = 64;
// Search filters (name_like and the exact-match keys) longer than this cannot match anything.
inline constexpr std::size_t kMaxFilterBytes = 256;
// API credentials.
inline constexpr std::size_t kMaxRoleLength = 32;
inline constexpr std::size_t kMaxCredentialNameBytes = 128;

// --- storage ---
inline constexpr int kBusyTimeoutMs = 5000;
// Page cache (KiB) and memory map (bytes) of the connection: 100k devices are ~40 MiB of pages, and a mapped
// file lets all_devices() read them without a copy per page.
inline constexpr int kSqliteCacheKiB = 32 * 1024;
inline constexpr int64_t kSqliteMmapBytes = int64_t{256} * 1024 * 1024;
// Presence: the writer waits this long after the first queued change so one transaction carries many, and
// writes at most kPresenceMaxBatch devices per transaction so API readers never wait behind a huge batch.
inline constexpr std::chrono::milliseconds kPresenceBatchDelay{20};
inline constexpr std::size_t kPresenceMaxBatch = 2048;
// After a failed presence write, wait this long before retrying (a full disk should not spin a core).
inline constexpr std::chrono::milliseconds kPresenceRetryDelay{1000};
// Event log and retention deletes: at most this many rows per transaction, so a sweep over millions of old
// events never holds the writer (and so device event replies) for more than a few milliseconds at a time.
inline constexpr int64_t kEventDeleteChunk = 5000;
// Distinct SQLite messages kept for storage_error codes (see errc.cpp).
inline constexpr std::size_t kMaxInternedStorageMessages = 256;

}  // namespace gridhub::registry
