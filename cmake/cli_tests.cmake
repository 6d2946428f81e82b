# Tests that run whole programs: the command line, native-vs-WebAssembly digests, the schema.
if(EMSCRIPTEN)
  return()
endif()
set(MOTSIM_WASM_CLI "" CACHE FILEPATH "motsim.js built for Node, for the determinism test")

add_test(NAME cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli_test.sh $<TARGET_FILE:motsim>
         ${CMAKE_SOURCE_DIR})
if(MOTSIM_WASM_CLI)
  add_test(NAME determinism_native_wasm
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/determinism.sh $<TARGET_FILE:motsim>
                   ${MOTSIM_WASM_CLI} ${CMAKE_SOURCE_DIR})
endif()
find_program(MOTSIM_NODE node)
if(MOTSIM_NODE AND EXISTS ${CMAKE_SOURCE_DIR}/node_modules/ajv)
  add_test(NAME schema COMMAND ${MOTSIM_NODE} ${CMAKE_SOURCE_DIR}/tests/schema/check_schema.mjs
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endif()
