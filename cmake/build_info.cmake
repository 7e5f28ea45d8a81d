# build_info.cmake — writes generated/build_info.h (version, git revision, flavour) for the
# tree as it is at build time. Run by the sscan_build_info target at every build (cmake -P),
# and once at configure time so the header exists before the first build. configure_file
# rewrites the header only when its text changes, so an unchanged revision rebuilds nothing;
# a commit or an edit to a tracked file since the last build updates --version and every
# output file's metadata (before, the revision was the one of the last configure).
#
# In: SOURCE_DIR, TEMPLATE, OUTPUT, PROJECT_VERSION, SSCAN_FLAVOUR, and SSCAN_GIT_REVISION
# (empty: asked of git; set it for a build outside a git checkout).
if(NOT SSCAN_GIT_REVISION)
  execute_process(COMMAND git rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE SSCAN_GIT_REVISION
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(SSCAN_GIT_REVISION)
    # "-dirty" when tracked files differ from the commit.
    execute_process(COMMAND git diff --quiet HEAD --
      WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE sscan_git_dirty ERROR_QUIET)
    if(sscan_git_dirty EQUAL 1)
      string(APPEND SSCAN_GIT_REVISION "-dirty")
    endif()
  else()
    set(SSCAN_GIT_REVISION "unknown")
  endif()
endif()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
