#include "cli/browse_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/scan_command.h"

namespace sscan::cli {
namespace {

constexpr const char* kScript = "browse_snapshot.py";

bool IsFile(const std::string& path) { return access(path.c_str(), R_OK) == 0; }
bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The directory of the running binary (/proc/self/exe: the real file, whatever the symlink or
// PATH entry it was started through).
std::string BinaryDir() {
  std::vector<char> buf(4096);
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return ".";
  return Parent(std::string(buf.data(), static_cast<size_t>(n)));
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The scripts directory holding browse_snapshot.py, or "" (with the places tried in *tried).
std::string FindScripts(const std::string& bin, std::string* tried) {
  std::vector<std::string> candidates;
  if (!Env("SSCAN_SCRIPTS_DIR").empty()) candidates.push_back(Env("SSCAN_SCRIPTS_DIR"));
  candidates.push_back(bin + "/../share/storage-scanner/scripts");  // cmake --install
  candidates.push_back(bin + "/../../scripts");                     // build/<flavour>/
  for (const std::string& dir : candidates) {
    if (IsFile(dir + "/" + kScript)) return dir;
    *tried += (tried->empty() ? "" : ", ") + dir;
  }
  return "";
}

// A Python to run the script with: the first of the documented places that exists.
std::string FindPython(const std::string& bin, const std::string& scripts) {
  if (!Env("SSCAN_PYTHON").empty()) return Env("SSCAN_PYTHON");
  for (const std::string& candidate :
       {scripts + "/../.venv/bin/python", bin + "/../share/storage-scanner/venv/bin/python"}) {
    if (IsExecutable(candidate)) return candidate;
  }
  return "python3";  // execvp searches PATH; the script explains a missing DuckDB
}

}  // namespace

void AddBrowseOptions(CLI::App* cmd, BrowseOptions* o) {
  cmd->add_option("snapshot", o->snapshot,
                  "A Parquet file, a quoted chunk glob, a directory of chunks or shards, or a "
                  "manifest; with --catalog, the snapshot's NAME in the catalogue")
      ->required()
      ->type_name("SNAPSHOT");
  cmd->add_option("--catalog", o->catalog,
                  "A history catalogue (import_snapshot.py): SNAPSHOT is a name in it")
      ->type_name("PATH");
  cmd->add_option("--path", o->path, "Start in this directory of the snapshot (default: the root)")
      ->type_name("DIR");
  cmd->add_flag("--list", o->list, "Print the listing of the start directory as text and exit");
  cmd->add_flag("--bytes", o->bytes, "Exact byte and file counts instead of KiB/MiB/...");
  cmd->add_option("--export-ncdu", o->export_ncdu,
                  "Write the snapshot in ncdu's JSON export format to FILE ('-': stdout) and "
                  "exit; browse it with ncdu -f FILE")
      ->type_name("FILE");
  cmd->add_flag("--prepare", o->prepare,
                "Compute the per-directory summary and the file index if missing, then exit");
  cmd->add_flag("--no-index", o->no_index,
                "When computing the summary, skip the file index (files then listed from rows)");
  cmd->add_option("--cache-dir", o->cache_dir,
                  "Where computed summaries are kept (default: $SSCAN_BROWSE_CACHE, else "
                  "$XDG_CACHE_HOME/storage-scanner/browse or ~/.cache/storage-scanner/browse)")
      ->type_name("DIR");
  cmd->add_flag("--no-color", o->no_color,
                "No colours, only bold and reverse video (also when NO_COLOR is set)");
  cmd->add_option("--memory-limit", o->memory_limit,
                  "DuckDB's memory limit when computing a summary or exporting (default: a "
                  "quarter of RAM, at most 4GB)")
      ->type_name("SIZE");
  cmd->add_option("--temp-dir", o->temp_dir, "Where DuckDB spills when computing")
      ->type_name("DIR");
  cmd->add_option("--threads", o->threads, "DuckDB threads (default: one per core)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
}

int RunBrowse(int argc, char** argv, int first_arg) {
  const std::string bin = BinaryDir();
  std::string tried;
  const std::string scripts = FindScripts(bin, &tried);
  if (scripts.empty()) {
    PrintError(std::string("browse: ") + kScript + " not found (looked in " + tried +
               "); set SSCAN_SCRIPTS_DIR to the scripts directory");
    return kExitFatal;
  }
  const std::string python = FindPython(bin, scripts);
  const std::string script = scripts + "/" + kScript;
  std::vector<char*> args;
  args.push_back(const_cast<char*>(python.c_str()));
  args.push_back(const_cast<char*>(script.c_str()));
  for (int i = first_arg; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  // The script names itself after the command the user typed, in --help and in messages.
  setenv("SSCAN_BROWSE_PROG", "storage-scanner browse", 1);
  execvp(python.c_str(), args.data());
  PrintError(
      "browse: cannot run " + python + ": " + std::strerror(errno) +
      " (set SSCAN_PYTHON to a Python with DuckDB, e.g. the .venv of scripts/setup_venv.sh)");
  return kExitFatal;
}

}  // namespace sscan::cli
