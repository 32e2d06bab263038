// Bounds on thing models and on the values checked against them (STYLE.md item 5: every limit is named here).
#pragma once
#include <cstddef>

namespace gridhub::model {

// Element, parameter, struct item and model identifiers: 1..128 characters (EnOS 2.3 CU3 raised 64 to 128).
inline constexpr std::size_t kMaxIdentifierLength = 128;
// Attributes + measure points + services + events of one model, counted together, also after inheritance
// (EnOS: at most 5,000 features per model).
inline constexpr std::size_t kMaxElements = 5000;
// Size of a console/API model document we agree to parse (5,000 verbose elements stay well below it).
inline constexpr std::size_t kMaxModelJsonBytes = 16 * 1024 * 1024;
// JSON nesting accepted when parsing a model document; real exports nest about 8 deep.
inline constexpr std::size_t kMaxJsonDepth = 64;
// Nesting of STRUCT/ARRAY types inside each other; bounds the recursion of parsing and of validation.
inline constexpr std::size_t kMaxTypeDepth = 8;
// Input or output parameters of one service or event.
inline constexpr std::size_t kMaxParameters = 256;
// Items of one STRUCT type.
inline constexpr std::size_t kMaxStructItems = 256;
// Values of one ENUM type.
inline constexpr std::size_t kMaxEnumValues = 1024;
// Tags on one model (EnOS: at most 100 per object).
inline constexpr std::size_t kMaxTags = 100;
// Ancestors above one model (parent, grandparent...).
inline constexpr std::size_t kMaxInheritanceDepth = 16;
// STRING values: the default and the largest maxLength, counted in characters (EnOS: 1..1024).
inline constexpr std::size_t kMaxStringLength = 1024;
// Items of one ARRAY value (EnOS: at most 128 members).
inline constexpr std::size_t kMaxArrayItems = 128;
// The FLOAT type's range as EnOS writes it (Java Float.MAX_VALUE printed as 3.4028235E38).
inline constexpr double kFloatMax = 3.4028235e38;

}  // namespace gridhub::model
