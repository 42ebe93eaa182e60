#include <tools/fake_sdcadm/prompt.hpp>

#include <common/error.hpp>

#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace fake_sdcadm {

bool stdin_is_tty() { return ::isatty(STDIN_FILENO) == 1; }

bool confirm(const std::string& question) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw common::Error(common::ExitCode::usage,
                        "cannot ask \"" + question + "\": no terminal (/dev/tty); pass -y");
  }
  const std::string prompt = question + " [y/N] ";
  const bool wrote = ::write(fd, prompt.data(), prompt.size()) == static_cast<ssize_t>(prompt.size());
  std::string answer;
  char c = 0;
  while (wrote && ::read(fd, &c, 1) == 1 && c != '\n') answer.push_back(c);
  ::close(fd);
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace fake_sdcadm
