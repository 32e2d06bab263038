# libFuzzer targets (tests/fuzz/<name>_fuzz.cpp, docs/reliability.md): with -DGRIDHUB_FUZZ=ON (clang only) every
# library is instrumented for coverage + ASan + UBSan, and each target links libFuzzer's main. Run: tests/fuzz/run.sh.
# Included from CMakeLists.txt before the modules are defined, so the compile flags reach every library; the
# targets themselves are added at the end of the top-level directory, once the libraries exist.
option(GRIDHUB_FUZZ "Build the libFuzzer targets (clang only; instruments every library)" OFF)

if(GRIDHUB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GRIDHUB_FUZZ needs clang (configure with CC=clang CXX=clang++), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # -fno-sanitize-recover: a UBSan finding stops the run like an ASan one, so the fuzzer records the input.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  # The unit tests (fuzz regression tests included) link without libFuzzer's main, with the same sanitizers.
  add_link_options(-fsanitize=address,undefined)

  function(gridhub_add_fuzz_targets)
    file(GLOB fuzz_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/*_fuzz.cpp)
    foreach(src ${fuzz_srcs})
      get_filename_component(name ${src} NAME_WE)  # mqtt_decoder_fuzz
      add_executable(${name} ${src})
      target_link_options(${name} PRIVATE -fsanitize=fuzzer)
      target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests/fuzz)
      target_compile_definitions(${name} PRIVATE GRIDHUB_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                 GRIDHUB_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
      string(REGEX REPLACE "_fuzz$" "" short ${name})
      # The module its entry points live in (which brings its own dependencies); the world-based targets need
      # the hub (registry, store, models), the HTTP one the API.
      set(lib gridhub_hub)
      if(short STREQUAL "mqtt_decoder")
        set(lib gridhub_mqtt)
      elseif(short STREQUAL "topic_parser")
        set(lib gridhub_enos)
      elseif(short STREQUAL "model_importer")
        set(lib gridhub_model)
      elseif(short STREQUAL "http_request")
        set(lib gridhub_api)
      endif()
      target_link_libraries(${name} PRIVATE ${lib})
      list(APPEND fuzz_targets ${name})
    endforeach()
    add_custom_target(fuzz_targets DEPENDS ${fuzz_targets})
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL gridhub_add_fuzz_targets)
endif()
