# Tests that run whole programs: the command line, native-vs-WebAssembly digests, the schema.
if(EMSCRIPTEN)
  return()
endif()
set(MOTSIM_WASM_CLI "" CACHE FILEPATH "motsim.js built for Node, for the determinism test")

add_test(NAME cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli_test.sh $<TARGET_FILE:motsim>
         ${CMAKE_SOURCE_DIR})
# v2 money and loyalty on the command line: rank --by profit, analyze with loyalty.
add_test(NAME cli_money COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/money_cli_test.sh $<TARGET_FILE:motsim>)
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

# The native app under a virtual display: starts, renders frames, exits cleanly, and its
# numbers for a seed equal the command line's (tests/app/native_smoke.sh).
find_program(MOTSIM_XVFB xvfb-run)
if(TARGET motsim_app AND MOTSIM_XVFB)
  add_test(NAME native_app_smoke
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/app/native_smoke.sh $<TARGET_FILE:motsim_app>
                   $<TARGET_FILE:motsim> ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/artifacts)
endif()

# The web app and the embedding layer in headless Chromium (playwright-core): they need the
# WebAssembly site built first (scripts/test.sh builds build/web before this build).
get_filename_component(MOTSIM_SITE ${CMAKE_SOURCE_DIR}/build/web/site ABSOLUTE)
function(motsim_browser_test name script timeout)
  if(MOTSIM_NODE AND EXISTS ${CMAKE_SOURCE_DIR}/node_modules/playwright-core
     AND EXISTS ${CMAKE_SOURCE_DIR}/tests/browser/${script})
    add_test(NAME ${name}
             COMMAND ${MOTSIM_NODE} ${CMAKE_SOURCE_DIR}/tests/browser/${script} ${MOTSIM_SITE}
                     ${CMAKE_BINARY_DIR}/artifacts/${name}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout} RUN_SERIAL TRUE)
  endif()
endfunction()
motsim_browser_test(browser_app app.test.mjs 600)
motsim_browser_test(browser_embed embed.test.mjs 900)
motsim_browser_test(browser_hostile hostile.test.mjs 600)
motsim_browser_test(browser_sizes sizes.test.mjs 900)
motsim_browser_test(browser_authoring authoring.test.mjs 400)
motsim_browser_test(browser_access access.test.mjs 300)
motsim_browser_test(browser_compare compare.test.mjs 300)
motsim_browser_test(browser_v2 v2.test.mjs 300)
motsim_browser_test(browser_lms lms.test.mjs 400)
motsim_browser_test(browser_cmi5 cmi5.test.mjs 300)
motsim_browser_test(browser_package package.test.mjs 300)
motsim_browser_test(browser_editor editor.test.mjs 400)

# `motsim package` (LMS packages): the files, the manifests (xmllint), bad input (tests/bad_lessons).
find_program(MOTSIM_XMLLINT xmllint)
find_program(MOTSIM_UNZIP unzip)
if(MOTSIM_NODE AND MOTSIM_XMLLINT AND MOTSIM_UNZIP)
  add_test(NAME cli_package COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/package_test.sh $<TARGET_FILE:motsim>
           ${CMAKE_SOURCE_DIR} ${MOTSIM_SITE})
endif()
if(MOTSIM_NODE AND EXISTS ${CMAKE_SOURCE_DIR}/node_modules/ajv)
  add_test(NAME lesson_schema COMMAND ${MOTSIM_NODE} ${CMAKE_SOURCE_DIR}/tests/schema/check_lesson_schema.mjs
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endif()
