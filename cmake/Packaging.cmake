# SPDX-License-Identifier: GPL-2.0-or-later
# Man pages (installed gzipped, as Debian has them) and Debian packages (cpack -G DEB, from the build folder; scripts/package-test.sh):
#   mcp-tools               mcpreplay, mcpsim, mcpgen, mcppoll, mcpserialdump, their man
#                           pages, and mcpserialdump in Wireshark's global extcap folder
#   wireshark-plugin-mcp5a  mcp5a.so in the global plugin folder of the Wireshark it was
#                           built against, tied to that libwireshark (soname and x.y series)
# Dependencies come from dpkg-shlibdeps (dpkg-dev). Install rules without a COMPONENT
# belong to "tools" (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME, top-level CMakeLists.txt); the
# plugin's is "mcp5a" (plugin/CMakeLists.txt).
include(GNUInstallDirs)

# the Debian changelog's date: $SOURCE_DATE_EPOCH when set (reproducible builds), else now
string(TIMESTAMP MCP_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(pkg mcp-tools wireshark-plugin-mcp5a)
    if(pkg STREQUAL "mcp-tools")
        set(comp tools)
    else()
        set(comp mcp5a)
    endif()
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright
            DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg} COMPONENT ${comp})
    # Debian wants a compressed changelog in every package's doc folder
    set(changelog ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.gz)
    add_custom_command(OUTPUT ${changelog}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/${pkg}
        COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${changelog}
        DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md VERBATIM)
    # and, the package having a Debian revision, a changelog.Debian.gz in Debian's format
    set(dch ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.Debian)
    file(WRITE ${dch} "${pkg} (${PROJECT_VERSION}-1) unstable; urgency=medium\n\n"
        "  * Built with CPack from the mcp-toolkit source tree; the changes are in\n"
        "    /usr/share/doc/${pkg}/changelog.gz.\n\n"
        " -- mcp-toolkit maintainers <maintainers@users.noreply.r-seed-c09a73af.example>  ${MCP_PACKAGE_DATE}\n")
    add_custom_command(OUTPUT ${dch}.gz
        COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${dch} ${dch}.gz
        DEPENDS ${dch} VERBATIM)
    list(APPEND MCP_PACKAGING_FILES ${changelog} ${dch}.gz)
    install(FILES ${changelog} ${dch}.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg}
            COMPONENT ${comp})
endforeach()
# Debian wants man pages compressed: gzip -9n copies for the packages
foreach(tool mcpreplay mcpsim mcpgen mcppoll mcpserialdump)
    set(gz ${CMAKE_BINARY_DIR}/packaging/man1/${tool}.1.gz)
    add_custom_command(OUTPUT ${gz}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/man1
        COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${PROJECT_SOURCE_DIR}/docs/${tool}.1 ${gz}
        DEPENDS ${PROJECT_SOURCE_DIR}/docs/${tool}.1 VERBATIM)
    list(APPEND MCP_PACKAGING_FILES ${gz})
endforeach()
add_custom_target(packaging-files ALL DEPENDS ${MCP_PACKAGING_FILES})
foreach(tool mcpreplay mcpsim mcpgen mcppoll mcpserialdump)
    install(FILES ${CMAKE_BINARY_DIR}/packaging/man1/${tool}.1.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
endforeach()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "mcp-toolkit")
set(CPACK_PACKAGE_VENDOR "mcp-toolkit maintainers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mcp-toolkit maintainers <maintainers@users.noreply.r-seed-c09a73af.example>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/mcp-toolkit")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_COMPONENTS_ALL tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME mcp-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "tools for the MCP v1 field bus: replay, simulate, generate, poll, capture\n"
    "mcpreplay replays the MCP frames of pcap/pcapng captures to a device with\n"
    "the capture's timing and checks its answers; mcpsim simulates devices on\n"
    "UDP, TCP and serial lines; mcpgen writes sample captures with an answer key;\n"
    "mcppoll talks to one device by hand; mcpserialdump captures serial lines,\n"
    "standalone and as a Wireshark extcap (its ports show in Wireshark's\n"
    "interface list and in tshark -D).")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SUGGESTS "wireshark-plugin-mcp5a, tshark")

if(MCP_HAVE_PLUGIN)
    list(APPEND CPACK_COMPONENTS_ALL mcp5a)
    set(CPACK_DEBIAN_MCP5A_PACKAGE_NAME wireshark-plugin-mcp5a)
    set(CPACK_DEBIAN_MCP5A_PACKAGE_SECTION net)
    set(CPACK_COMPONENT_MCP5A_DESCRIPTION
        "Wireshark dissector for the MCP v1 field bus (mcp5a)\n"
        "The mcp5a plugin decodes MCP v1 over UDP, TCP and serial lines in\n"
        "Wireshark and tshark: fields, expert infos, request/response tracking,\n"
        "service response times and the MCP5A export tap. Built for Wireshark\n"
        "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}; it loads only into that series.")
    # The exact libwireshark: its soname package, in the x.y series the plugin was built for
    # (plugins are tied to the minor version: plugins/X.Y/epan).
    file(READ_SYMLINK "${Wireshark_LIB_DIR}/libwireshark.so" ws_soname)
    string(REGEX REPLACE "^libwireshark\\.so\\.([0-9]+).*$" "\\1" ws_somajor "${ws_soname}")
    math(EXPR ws_next_minor "${Wireshark_MINOR_VERSION} + 1")
    set(CPACK_DEBIAN_MCP5A_PACKAGE_DEPENDS
        "libwireshark${ws_somajor} (>= ${Wireshark_VERSION}), libwireshark${ws_somajor} (<< ${Wireshark_MAJOR_VERSION}.${ws_next_minor}~)")
    set(CPACK_DEBIAN_MCP5A_PACKAGE_ENHANCES "wireshark, tshark")
endif()
include(CPack)
