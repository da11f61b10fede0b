# chaos_sdk_add_plugin(NAME SOURCES...)
#
# A chaosctl plugin: a MODULE library NAME.so (no "lib" prefix) linking chaos::sdk, built with
# hidden visibility, exporting only chaos_plugin_stamp and chaos_plugin_entry (on GNU ld), and
# failing at link time, not at load time, if a symbol is missing. Link anything else it needs
# with target_link_libraries(NAME PRIVATE ...).
function(chaos_sdk_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "chaos_sdk_add_plugin(${name}): give the plugin's source files")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE chaos::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(map ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/chaos_plugin_exports.map)
    target_link_options(${name} PRIVATE -Wl,--no-undefined -Wl,--version-script=${map})
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${map})
  endif()
endfunction()
