#include <builder/output_path.hpp>

#include <common/error.hpp>
#include <common/path.hpp>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

using common::Error;
using common::ExitCode;

void check_output_path(const std::string& output) {
  struct stat st {};
  if (!output.empty() && ::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    const std::string dir = output.back() == '/' ? output : output + "/";
    throw Error(ExitCode::usage, "-o " + output + " is a directory; give the bundle's file name, e.g. -o " + dir +
                                     "NAME.sdc");
  }
  const std::string dir = common::dir_of(output);
  const std::string what = output.empty() ? std::string("the bundle") : "-o " + output;
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw Error(ExitCode::not_found, what + ": directory " + dir + " does not exist; create it or choose another place");
    }
    throw Error(ExitCode::io, what + ": cannot use directory " + dir + " (" + std::strerror(err) + ")");
  }
  if (!S_ISDIR(st.st_mode)) {
    throw Error(ExitCode::usage, what + ": " + dir + " is not a directory; choose another place");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw Error(ExitCode::io, what + ": cannot write in " + dir + " (" + std::strerror(errno) +
                                  "); choose another place with -o");
  }
}

}  // namespace builder
