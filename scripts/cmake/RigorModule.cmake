# One helper makes every rigor module target (see shared/STYLE.md, "Module boundaries").
#
#   rigor_add_library(stats
#     SOURCES src/a.cpp src/b.cpp
#     DEPENDS_PUBLIC Boost::headers
#     DEPENDS_PRIVATE rigor_warnings
#     PUBLIC_HEADERS rigor/stats.h rigor/stats/a.h
#     NO_TORCH)
#
# creates the static library `rigor_stats`, its alias `rigor::stats`, with `include/` as the
# public include directory. NO_TORCH registers the target with the torch-free guard:
# rigor_check_torch_free() (called once at the end of the top-level CMakeLists) fails the
# configure step, printing the dependency path, if such a target reaches torch.

set_property(GLOBAL PROPERTY RIGOR_NO_TORCH_TARGETS "")

function(rigor_add_library name)
  cmake_parse_arguments(ARG "NO_TORCH;INTERFACE" "" "SOURCES;DEPENDS_PUBLIC;DEPENDS_PRIVATE;PUBLIC_HEADERS" ${ARGN})
  set(target rigor_${name})
  if(ARG_INTERFACE)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE ${ARG_DEPENDS_PUBLIC})
  else()
    if(NOT ARG_SOURCES)
      message(FATAL_ERROR "rigor_add_library(${name}): SOURCES is required (list every file; no GLOB)")
    endif()
    add_library(${target} STATIC ${ARG_SOURCES})
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                         PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPENDS_PUBLIC}
                                    PRIVATE rigor_warnings ${ARG_DEPENDS_PRIVATE})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
  add_library(rigor::${name} ALIAS ${target})
  # Recorded for rigor_add_header_checks (a compile-only test per public header).
  set_property(TARGET ${target} PROPERTY RIGOR_PUBLIC_HEADERS ${ARG_PUBLIC_HEADERS})
  if(ARG_NO_TORCH)
    set_property(GLOBAL APPEND PROPERTY RIGOR_NO_TORCH_TARGETS ${target})
  endif()
endfunction()

# Depth-first walk of a target's link graph. Sets ${out} to the first path (a;b;c) that ends in a
# library whose name matches torch, or to "" when there is none.
function(_rigor_find_torch_path target visited out)
  if(NOT TARGET ${target})
    if(target MATCHES "(^|[/:_])(torch|c10|ATen|caffe2)([_.]|$)|libtorch")
      set(${out} "${target}" PARENT_SCOPE)
    else()
      set(${out} "" PARENT_SCOPE)
    endif()
    return()
  endif()
  get_target_property(real ${target} ALIASED_TARGET)
  if(real)
    set(target ${real})
  endif()
  if(target IN_LIST visited OR target MATCHES "^(rigor_torch|torch|torch_cpu|c10)$")
    if(target IN_LIST visited)
      set(${out} "" PARENT_SCOPE)
    else()
      set(${out} "${target}" PARENT_SCOPE)
    endif()
    return()
  endif()
  list(APPEND visited ${target})
  set(deps "")
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(link ${target} LINK_LIBRARIES)
    if(link)
      list(APPEND deps ${link})
    endif()
  endif()
  get_target_property(ilink ${target} INTERFACE_LINK_LIBRARIES)
  if(ilink)
    list(APPEND deps ${ilink})
  endif()
  foreach(dep IN LISTS deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
    if(dep MATCHES "^\\$<")
      continue()
    endif()
    _rigor_find_torch_path(${dep} "${visited}" path)
    if(path)
      set(${out} "${target};${path}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

function(rigor_check_torch_free)
  get_property(targets GLOBAL PROPERTY RIGOR_NO_TORCH_TARGETS)
  foreach(t IN LISTS targets)
    _rigor_find_torch_path(${t} "" path)
    if(path)
      string(REPLACE ";" " -> " shown "${path}")
      message(FATAL_ERROR
        "torch-free guard: ${t} is declared NO_TORCH but reaches torch: ${shown}\n"
        "Move the torch-using code into rigor::models or rigor::harness, or pass plain data across "
        "the boundary (see shared/STYLE.md, Module boundaries).")
    endif()
  endforeach()
endfunction()

# A compile-only test per public header: proves each header stands alone.
# Uses the PUBLIC_HEADERS given to rigor_add_library.
function(rigor_add_header_checks target)
  get_target_property(headers ${target} RIGOR_PUBLIC_HEADERS)
  if(NOT headers)
    message(FATAL_ERROR "rigor_add_header_checks(${target}): the target lists no PUBLIC_HEADERS")
  endif()
  set(srcs "")
  foreach(h IN LISTS headers)
    string(MAKE_C_IDENTIFIER "${h}" id)
    set(src ${CMAKE_CURRENT_BINARY_DIR}/header_check/${id}.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "#include <${h}>\n#include <${h}>  // twice: include guard\n")
    list(APPEND srcs ${src})
  endforeach()
  add_library(${target}_header_check OBJECT ${srcs})
  target_link_libraries(${target}_header_check PRIVATE ${target} rigor_warnings)
endfunction()
