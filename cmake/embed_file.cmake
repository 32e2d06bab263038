# Writes OUTPUT: a C++ file defining `const std::string_view NAME` (namespace gridhub::server) with INPUT's bytes.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT}; do not edit.\n#include <string_view>\nnamespace gridhub::server {\nstatic const char kBytes[] = {${bytes} 0};\nextern const std::string_view kDemoModelJson;\nconst std::string_view kDemoModelJson(kBytes, sizeof(kBytes) - 1);\n}\n")
