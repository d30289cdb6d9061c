# Installing h7emu for firmware projects: `cmake --install` puts the h7emu program, a CMake package
# (find_package(h7emu) -> h7emu::h7emu and h7emu_add_scenarios()) and a pkg-config file; CPack
# builds a Debian package (cpack -G DEB). docs/ci.md shows both in use.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(H7EMU_VERSION 0.1.0)
set(H7EMU_CMAKE_DIR ${CMAKE_INSTALL_DATADIR}/cmake/h7emu)

install(TARGETS h7emu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/h7emuConfig.cmake.in
  ${CMAKE_BINARY_DIR}/pkg/h7emuConfig.cmake
  INSTALL_DESTINATION ${H7EMU_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/pkg/h7emuConfigVersion.cmake
  VERSION ${H7EMU_VERSION} COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/pkg/h7emuConfig.cmake ${CMAKE_BINARY_DIR}/pkg/h7emuConfigVersion.cmake
        DESTINATION ${H7EMU_CMAKE_DIR})
configure_file(${CMAKE_CURRENT_LIST_DIR}/h7emu.pc.in ${CMAKE_BINARY_DIR}/pkg/h7emu.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/pkg/h7emu.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/user-guide.md ${CMAKE_SOURCE_DIR}/docs/scenarios.md
              ${CMAKE_SOURCE_DIR}/docs/ci.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME h7emu)
set(CPACK_PACKAGE_VERSION ${H7EMU_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "STM32H755 dual-core firmware emulator for CI (scenarios, JUnit, semihosting)")
set(CPACK_PACKAGE_CONTACT "h7emu maintainers <h7emu@invalid>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)             # h7emu_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The shared libraries h7emu links, as Debian packages them. Debian 13 renamed three of them in
# the 64-bit time_t transition (libunicorn2t64 2.1.1, libelf1t64, libdw1t64): each is an
# alternative, so the one .deb installs on Debian 12 and 13. On Debian 12 it runs on the system's
# Unicorn 2.0.1 (the engine adapter covers 2.0.1 at run time; docs/machine.md "Engine"). glibc
# 2.34 is the oldest with every symbol the binary uses at the versions it binds (built on 2.36).
# The installed program has no RUNPATH (CMake drops the build tree's at install), so it never
# looks into a build tree's .deps. scripts/deb-check.sh proves it on a fresh debootstrapped root.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libunicorn2 (>= 2.0.1) | libunicorn2t64 (>= 2.0.1), libelf1 | libelf1t64, libdw1 | libdw1t64, libyaml-0-2")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libxml2-utils")
set(CPACK_STRIP_FILES ON)
include(CPack)
