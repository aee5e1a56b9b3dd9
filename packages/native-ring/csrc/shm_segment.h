// Named POSIX shared-memory segments: create (exclusive), open, unlink, map and unmap.
#ifndef QKRING_SHM_SEGMENT_H_
#define QKRING_SHM_SEGMENT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace qkring {

// A mapped segment. size is the mapped length; base is nullptr when nothing is mapped.
struct Mapping {
  void* base = nullptr;
  size_t size = 0;
};

// The POSIX object name for a ring name: "/" + name. Ring names are checked by the caller.
std::string shm_object_name(const std::string& name);

// Creates the segment exclusively (O_EXCL, mode 0600), sizes it (zero-filled) and maps it
// read-write. Returns 0 or an errno value (EEXIST when the name is taken); on error nothing is
// left behind.
int create_segment(const std::string& name, size_t size, Mapping* out);

// Opens an existing segment read-write and maps all of it. Returns 0 or an errno value (ENOENT
// when there is none). A segment of size 0 (created but not yet sized) maps nothing and succeeds
// with out->size == 0.
int open_segment(const std::string& name, Mapping* out);

// Removes the name; mappings stay valid until unmapped. Returns 0 or an errno value.
int unlink_segment(const std::string& name);

// Unmaps; a no-op for an empty mapping.
void unmap_segment(Mapping* mapping);

}  // namespace qkring

#endif  // QKRING_SHM_SEGMENT_H_
