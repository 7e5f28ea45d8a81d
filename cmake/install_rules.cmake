# install_rules.cmake — what `cmake --install BUILD --prefix P` puts under P (docs/deployment.md):
#   bin/storage-scanner                          (src/cli/CMakeLists.txt)
#   share/storage-scanner/scripts/               the scripts users run: every *.sh and *.py
#                                                under scripts/ but the developer helpers below
#   share/man/man1/storage-scanner.1             generated from --help (cmake/manpage.py)
#   share/doc/storage-scanner/                   README.md, CHANGELOG.md, docs/deployment.md

# Build, test and setup helpers stay out of the install; every other script in scripts/ (Slurm
# jobs, analysis, fixture generator, ...) is installed without being listed here.
set(SSCAN_DEVELOPER_SCRIPTS build.sh build_release.sh install_deps.sh setup_venv.sh test.sh)

set(sscan_script_excludes "")
foreach(script IN LISTS SSCAN_DEVELOPER_SCRIPTS)
  list(APPEND sscan_script_excludes PATTERN "${script}" EXCLUDE)
endforeach()
# Evaluated at install time, so a script added after the last configure is still installed.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scripts/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/storage-scanner/scripts
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                   WORLD_READ WORLD_EXECUTE
  FILES_MATCHING PATTERN "*.sh" PATTERN "*.py"
  PATTERN "__pycache__" EXCLUDE ${sscan_script_excludes})

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/CHANGELOG.md
              ${CMAKE_SOURCE_DIR}/docs/deployment.md
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/storage-scanner OPTIONAL)

# The man page: the prose of docs/storage-scanner.1.in with every command's options as the
# binary's --help gives them, so it cannot fall behind the code. It runs the binary just
# built; a cross build whose binary cannot run here turns SSCAN_MANPAGE off.
if(SSCAN_MANPAGE)
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  set(sscan_man ${CMAKE_BINARY_DIR}/storage-scanner.1)
  add_custom_command(OUTPUT ${sscan_man}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/manpage.py
            $<TARGET_FILE:storage-scanner> ${CMAKE_SOURCE_DIR}/docs/storage-scanner.1.in
            ${sscan_man} ${PROJECT_VERSION} ${SSCAN_SOURCE_DATE}
    DEPENDS storage-scanner ${CMAKE_SOURCE_DIR}/cmake/manpage.py
            ${CMAKE_SOURCE_DIR}/docs/storage-scanner.1.in
    COMMENT "Generating storage-scanner.1 from --help" VERBATIM)
  add_custom_target(manpage ALL DEPENDS ${sscan_man})
  install(FILES ${sscan_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
