# Precompiled headers: the Boost, spdlog and GoogleTest headers most files include are parsed once per target
# instead of once per file. Parsing them was about half of each file's compile time, and the build is most of
# `make test` on 2 cores. Off with -DGRIDHUB_PCH=OFF (e.g. to check that every file includes what it uses).
option(GRIDHUB_PCH "Precompile the heavy third-party headers" ON)

set(gridhub_pch_std <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <string> <string_view>
    <unordered_map> <vector>)
set(gridhub_pch_json <boost/json.hpp>)
set(gridhub_pch_log <spdlog/spdlog.h>)
set(gridhub_pch_asio <boost/asio.hpp>)
set(gridhub_pch_tls <boost/asio/ssl.hpp>)
set(gridhub_pch_http <boost/beast/core.hpp> <boost/beast/http.hpp> <boost/url.hpp>)

# What each module's files include most; a module's unit tests get the same plus GoogleTest.
set(gridhub_pch_for_mqtt)
set(gridhub_pch_for_json ${gridhub_pch_json})
set(gridhub_pch_for_net ${gridhub_pch_asio} ${gridhub_pch_tls})
set(gridhub_pch_for_enos ${gridhub_pch_json})
set(gridhub_pch_for_model ${gridhub_pch_json})
set(gridhub_pch_for_registry ${gridhub_pch_json} ${gridhub_pch_log})
set(gridhub_pch_for_tsdb ${gridhub_pch_log})
set(gridhub_pch_for_pki)
set(gridhub_pch_for_hub ${gridhub_pch_asio} ${gridhub_pch_tls} ${gridhub_pch_json} ${gridhub_pch_log})
set(gridhub_pch_for_api ${gridhub_pch_asio} ${gridhub_pch_tls} ${gridhub_pch_http} ${gridhub_pch_json} ${gridhub_pch_log})
set(gridhub_pch_for_cli ${gridhub_pch_asio} ${gridhub_pch_http} ${gridhub_pch_json} <CLI/CLI.hpp>)
set(gridhub_pch_for_server ${gridhub_pch_asio} ${gridhub_pch_tls} ${gridhub_pch_json} ${gridhub_pch_log} <CLI/CLI.hpp>)
set(gridhub_pch_for_sdk ${gridhub_pch_asio} ${gridhub_pch_tls} ${gridhub_pch_json})

# gridhub_pch(target module [extra headers...]): `target` precompiles module's list (and the extras).
function(gridhub_pch target module)
  if(GRIDHUB_PCH AND TARGET ${target})
    target_precompile_headers(${target} PRIVATE ${gridhub_pch_std} ${gridhub_pch_for_${module}} ${ARGN})
  endif()
endfunction()
