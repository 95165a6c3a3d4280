# The viewer's asset files, in the order the script is bundled (visualize/assets/embed.cmake).
# Included by the top-level CMakeLists.txt (for the build dependencies) and by embed.cmake.
set(MAILSIM_VIEWER_JS
  lib/dict.js lib/format.js lib/events.js lib/graph.js lib/geometry.js
  view/core.js view/sequence.js view/topology.js view/panels.js view/inspector.js view/quiz.js view/print.js view/packets.js view/main.js)
set(MAILSIM_VIEWER_ASSETS page.html viewer.css ${MAILSIM_VIEWER_JS})

# Adds the generated source holding every asset (and the script's CSP hash) to `target`.
function(mailsim_embed_viewer_assets target)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated/visualize/viewer_assets.cpp)
  set(deps ${dir}/embed.cmake ${dir}/assets.cmake)
  foreach(a IN LISTS MAILSIM_VIEWER_ASSETS)
    list(APPEND deps ${dir}/${a})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DASSETS_DIR=${dir} -DOUT_CPP=${out}
            -DOUT_JS=${CMAKE_CURRENT_BINARY_DIR}/generated/visualize/viewer.js -P ${dir}/embed.cmake
    DEPENDS ${deps}
    COMMENT "Embedding the viewer's assets (visualize/assets)" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
