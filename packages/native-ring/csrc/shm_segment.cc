#include "shm_segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace qkring {

std::string shm_object_name(const std::string& name) { return "/" + name; }

namespace {

int map_fd(int fd, size_t size, Mapping* out) {
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) return errno;
  out->base = base;
  out->size = size;
  return 0;
}

}  // namespace

int create_segment(const std::string& name, size_t size, Mapping* out) {
  const std::string object = shm_object_name(name);
  const int fd = shm_open(object.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return errno;
  int err = 0;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    err = errno;
  } else {
    err = map_fd(fd, size, out);
  }
  close(fd);
  if (err != 0) shm_unlink(object.c_str());
  return err;
}

int open_segment(const std::string& name, Mapping* out) {
  const std::string object = shm_object_name(name);
  const int fd = shm_open(object.c_str(), O_RDWR, 0);
  if (fd < 0) return errno;
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) {
    err = errno;
  } else if (st.st_size > 0) {
    err = map_fd(fd, static_cast<size_t>(st.st_size), out);
  } else {
    out->base = nullptr;
    out->size = 0;
  }
  close(fd);
  return err;
}

int unlink_segment(const std::string& name) {
  const std::string object = shm_object_name(name);
  return shm_unlink(object.c_str()) == 0 ? 0 : errno;
}

void unmap_segment(Mapping* mapping) {
  if (mapping->base != nullptr) munmap(mapping->base, mapping->size);
  mapping->base = nullptr;
  mapping->size = 0;
}

}  // namespace qkring
