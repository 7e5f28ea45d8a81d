#include "cli/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>

namespace sscan::cli {

std::string SetUpLogging(bool verbose) {
  auto logger = spdlog::stderr_logger_mt("storage-scanner");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);

  const char* env = std::getenv("STORAGE_SCANNER_LOG");
  const char* name = "STORAGE_SCANNER_LOG";
  if (env == nullptr || *env == '\0') {
    env = std::getenv("RUST_LOG");
    name = "RUST_LOG";
  }
  if (env == nullptr || *env == '\0') return "";
  std::string v(env);
  if (v == "warning") v = "warn";
  auto level = spdlog::level::from_str(v);
  // from_str answers "off" for anything it does not know; only "off" itself means off.
  if (level == spdlog::level::off && v != "off") {
    return std::string(name) + "=" + env +
           " is not a log level (trace, debug, info, warn, error, off)";
  }
  spdlog::set_level(level);
  return "";
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

}  // namespace sscan::cli
