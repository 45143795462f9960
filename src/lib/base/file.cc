#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace satrap {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) Reset(other.Release());
  return *this;
}

int UniqueFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<UniqueFd> OpenFile(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  return UniqueFd(fd);
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

Status PwriteAll(int fd, std::string_view data, off_t offset) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pwrite", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return Status();
}

Status PreadExact(int fd, char* into, size_t size, off_t offset) {
  while (size > 0) {
    ssize_t n = ::pread(fd, into, size, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pread", errno);
    }
    if (n == 0) return Status::Corrupt("short read: file ends early");
    into += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return Status();
}

Result<std::string> ReadFile(const std::string& path) {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDONLY));
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> ReadFileAt(int dir_fd, const std::string& name) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + name, errno);
  UniqueFd file(fd);
  struct stat st;
  if (::fstat(fd, &st) < 0) return Status::FromErrno("fstat " + name, errno);
  std::string data(static_cast<size_t>(st.st_size), '\0');
  SATRAP_RETURN_IF_ERROR(PreadExact(fd, data.data(), data.size(), 0));
  return data;
}

Status SyncFd(int fd) {
  if (::fdatasync(fd) < 0) return Status::FromErrno("fdatasync", errno);
  return Status();
}

Status SyncDirectory(const std::string& dir) {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  if (::fsync(fd.get()) < 0) return Status::FromErrno("fsync " + dir, errno);
  return Status();
}

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string temp = path + ".NEW";
  {
    SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(temp, O_WRONLY | O_CREAT | O_TRUNC, mode));
    SATRAP_RETURN_IF_ERROR(WriteAll(fd.get(), data).WithContext(temp));
    SATRAP_RETURN_IF_ERROR(SyncFd(fd.get()).WithContext(temp));
  }
  if (::rename(temp.c_str(), path.c_str()) < 0) {
    Status s = Status::FromErrno("rename " + temp, errno);
    ::unlink(temp.c_str());
    return s;
  }
  return SyncDirectory(DirName(path));
}

Status MakeDirectories(const std::string& path, mode_t mode) {
  if (path.empty()) return Status::Invalid("empty path");
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), mode) < 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + partial, errno);
    }
  }
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return Status::FromErrno("stat " + path, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Invalid(path + " exists and is not a directory");
  return Status();
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace satrap
