// The ring protocol in C++: header initialisation and validation, SPSC and broadcast writers and
// readers over a mapped segment. The addon uses it for its batch operations and header checks, the
// sanitizer harness (ring_test.cc) drives it across fork(), and src/ring/*.ts implements the same
// protocol with Atomics for the JavaScript hot path.
//
// Memory ordering. Positions are stored and loaded with acquire/release (seq_cst where a Dekker
// handshake with a waiter count needs it). SPSC: the writer fills slots, then publishes the write
// position (release); the reader loads it (acquire), reads the slots, then publishes its read
// position, so the writer never touches a slot the reader may still read. Broadcast: the writer
// never waits, so readers validate after copying, seqlock style: before touching a slot the writer
// raises the intent position (store + full fence), and a reader, after copying a message with
// sequence s, fences and loads the intent: the copy is intact iff intent - s <= capacity. The
// payload copies race with the writer by design (memcpy, as every seqlock does); the fences make
// a copy that saw any overwritten byte also see the raised intent.
#ifndef QKRING_RING_CORE_H_
#define QKRING_RING_CORE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "futex.h"
#include "ring_layout.h"

namespace qkring {

enum class LayoutStatus : int {
  kOk = 0,
  kTooSmall = 1,         // smaller than a header: not a ring, or still being sized
  kNotInitialised = 2,   // magic is 0: the creator has not finished
  kBadMagic = 3,         // something else lives under this name
  kBadVersion = 4,       // a different layout version
  kBadGeometry = 5,      // capacity, slot size or header size impossible
  kSizeMismatch = 6,     // the segment's size disagrees with its header
};

inline bool is_power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

inline bool valid_geometry(uint32_t capacity, uint32_t slot_size) {
  return is_power_of_two(capacity) && capacity >= kMinCapacity && capacity <= kMaxCapacity &&
         slot_size >= kMinSlotSize && slot_size <= kMaxSlotSize && slot_size % 8 == 0 &&
         static_cast<uint64_t>(kHeaderSize) + static_cast<uint64_t>(capacity) * slot_size <=
             kMaxSegmentSize;
}

inline uint64_t segment_size_for(uint32_t capacity, uint32_t slot_size) {
  return static_cast<uint64_t>(kHeaderSize) + static_cast<uint64_t>(capacity) * slot_size;
}

inline LayoutStatus validate_header(const void* base, uint64_t size) {
  if (size < kHeaderSize) return LayoutStatus::kTooSmall;
  const auto* h = static_cast<const Header*>(base);
  const uint32_t magic = h->magic.load(std::memory_order_acquire);
  if (magic == 0) return LayoutStatus::kNotInitialised;
  if (magic != kMagic) return LayoutStatus::kBadMagic;
  if (h->layout_version != kLayoutVersion) return LayoutStatus::kBadVersion;
  if ((h->kind != kKindSpsc && h->kind != kKindBroadcast) || h->header_size != kHeaderSize ||
      !valid_geometry(h->capacity, h->slot_size)) {
    return LayoutStatus::kBadGeometry;
  }
  const uint64_t recorded =
      (static_cast<uint64_t>(h->segment_size_hi) << 32) | static_cast<uint64_t>(h->segment_size_lo);
  if (recorded != segment_size_for(h->capacity, h->slot_size) || recorded != size) {
    return LayoutStatus::kSizeMismatch;
  }
  return LayoutStatus::kOk;
}

// Initialises the header of a freshly created, zero-filled segment. The magic goes last, with
// release, so a reader that sees it sees every other field.
inline void init_header(void* base, uint32_t kind, uint32_t capacity, uint32_t slot_size, int32_t pid,
                        int64_t now_us) {
  auto* h = static_cast<Header*>(base);
  const uint64_t size = segment_size_for(capacity, slot_size);
  h->layout_version = kLayoutVersion;
  h->kind = kind;
  h->capacity = capacity;
  h->slot_size = slot_size;
  h->header_size = kHeaderSize;
  h->segment_size_lo = static_cast<uint32_t>(size);
  h->segment_size_hi = static_cast<uint32_t>(size >> 32);
  h->created_us = now_us;
  h->producer_pid.store(pid, std::memory_order_relaxed);
  h->producer_state.store(kStateActive, std::memory_order_relaxed);
  h->producer_heartbeat_us.store(now_us, std::memory_order_relaxed);
  h->magic.store(kMagic, std::memory_order_release);
}

inline uint64_t load_position(const Position& p) {
  for (;;) {
    const uint32_t a = p.hi_a.load(std::memory_order_acquire);
    const uint32_t lo = p.lo.load(std::memory_order_acquire);
    const uint32_t b = p.hi_b.load(std::memory_order_acquire);
    if (a == b) return (static_cast<uint64_t>(a) << 32) | lo;
  }
}

// Single writer only: hi_b, lo, hi_a (the hi words only when they change).
inline void store_position(Position& p, uint64_t value) {
  const auto hi = static_cast<uint32_t>(value >> 32);
  if (p.hi_a.load(std::memory_order_relaxed) != hi) {
    p.hi_b.store(hi, std::memory_order_seq_cst);
    p.lo.store(static_cast<uint32_t>(value), std::memory_order_seq_cst);
    p.hi_a.store(hi, std::memory_order_seq_cst);
  } else {
    p.lo.store(static_cast<uint32_t>(value), std::memory_order_seq_cst);
  }
}

inline uint32_t load_u32(const uint8_t* at) {
  uint32_t v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

inline void store_u32(uint8_t* at, uint32_t v) { std::memcpy(at, &v, sizeof v); }

// The slots of a validated segment.
class Slots {
 public:
  explicit Slots(Header* h)
      : base_(reinterpret_cast<uint8_t*>(h) + kHeaderSize),
        capacity_(h->capacity),
        mask_(h->capacity - 1),
        slot_size_(h->slot_size) {}

  uint8_t* at(uint64_t seq) const { return base_ + static_cast<size_t>(seq & mask_) * slot_size_; }
  uint32_t capacity() const { return capacity_; }
  uint32_t max_message() const { return slot_size_ - kSlotHeaderSize; }

 private:
  uint8_t* base_;
  uint32_t capacity_;
  uint32_t mask_;
  uint32_t slot_size_;
};

enum class WriteStatus : int { kOk = 0, kFull = 1, kTooLarge = 2 };

// What both producers share: the write position, committing a message into its slot, and
// publishing committed messages (waking sleeping readers only when some sleep).
class WriterBase {
 public:
  // Completes the claimed message; invisible to readers until flush().
  void commit(uint32_t length) {
    uint8_t* slot = slots_.at(write_);
    store_u32(slot, length);
    store_u32(slot + 4, static_cast<uint32_t>(write_));
    ++write_;
  }

  // Publishes every committed message, waking sleeping readers if there are any.
  void flush() {
    if (write_ == published_) return;
    store_position(h_->write, write_);
    published_ = write_;
    if (h_->consumer_waiters.load(std::memory_order_seq_cst) != 0) futex_wake_all(&h_->write.lo);
  }

  uint64_t position() const { return write_; }
  uint32_t max_message() const { return slots_.max_message(); }

 protected:
  explicit WriterBase(Header* h)
      : h_(h), slots_(h), write_(load_position(h->write)), published_(write_) {}

  Header* h_;
  Slots slots_;
  uint64_t write_;
  uint64_t published_;
};

// The single producer of an SPSC ring.
class SpscWriter : public WriterBase {
 public:
  explicit SpscWriter(Header* h) : WriterBase(h), cached_read_(load_position(h->read)) {}

  // The payload of the next free slot, or nullptr when the ring is full.
  uint8_t* try_claim() {
    if (write_ - cached_read_ >= slots_.capacity()) {
      cached_read_ = load_position(h_->read);
      if (write_ - cached_read_ >= slots_.capacity()) return nullptr;
    }
    return slots_.at(write_) + kSlotHeaderSize;
  }

  WriteStatus try_write(const void* data, uint32_t length) {
    if (length > slots_.max_message()) return WriteStatus::kTooLarge;
    uint8_t* payload = try_claim();
    if (payload == nullptr) return WriteStatus::kFull;
    std::memcpy(payload, data, length);
    commit(length);
    return WriteStatus::kOk;
  }

 private:
  uint64_t cached_read_;
};

// The single consumer of an SPSC ring. It resumes from the shared read position, so a successor
// of a crashed consumer continues where that one last released.
class SpscReader {
 public:
  explicit SpscReader(Header* h)
      : h_(h), slots_(h), read_(load_position(h->read)), released_(read_),
        cached_write_(load_position(h->write)) {}

  uint64_t available() {
    if (cached_write_ == read_) cached_write_ = load_position(h_->write);
    return cached_write_ - read_;
  }

  // Calls visit(payload, length, seq) for up to limit messages, then releases them; visit returns
  // false to stop before consuming a message. Returns the number consumed, or -1 if a slot holds
  // an impossible length (something that is not this protocol wrote the segment).
  template <typename Visit>
  int64_t poll(Visit&& visit, uint64_t limit) {
    const uint64_t n = std::min(available(), limit);
    uint64_t done = 0;
    for (; done < n; ++done) {
      const uint8_t* slot = slots_.at(read_);
      const uint32_t length = load_u32(slot);
      if (length > slots_.max_message()) {
        release();
        return -1;
      }
      if (!visit(slot + kSlotHeaderSize, length, read_)) break;
      ++read_;
    }
    release();
    return static_cast<int64_t>(done);
  }

  void release() {
    if (read_ == released_) return;
    store_position(h_->read, read_);
    released_ = read_;
    if (h_->producer_waiters.load(std::memory_order_seq_cst) != 0) futex_wake_all(&h_->read.lo);
  }

  uint64_t position() const { return read_; }

 private:
  Header* h_;
  Slots slots_;
  uint64_t read_;
  uint64_t released_;
  uint64_t cached_write_;
};

// The single producer of a broadcast ring: it never waits; readers that fall a lap behind detect
// it and skip ahead.
class BroadcastWriter : public WriterBase {
 public:
  explicit BroadcastWriter(Header* h)
      : WriterBase(h), intent_(write_),
        chunk_(std::max<uint32_t>(1, std::min<uint32_t>(64, h->capacity / 8))) {}

  // The payload of the next slot. Raises the intent position first (in chunks, to keep the
  // atomic store off the per-message path), so readers can tell the slot is being overwritten.
  uint8_t* claim() {
    if (write_ >= intent_) {
      intent_ = write_ + chunk_;
      store_position(h_->intent, intent_);
      std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    return slots_.at(write_) + kSlotHeaderSize;
  }

  WriteStatus write(const void* data, uint32_t length) {
    if (length > slots_.max_message()) return WriteStatus::kTooLarge;
    std::memcpy(claim(), data, length);
    commit(length);
    return WriteStatus::kOk;
  }

 private:
  uint64_t intent_;
  uint32_t chunk_;
};

// One reader of a broadcast ring, with its own cursor (private to it: the writer never waits).
class BroadcastReader {
 public:
  // Starts at the latest published message, or with from_start at the oldest one still intact
  // (as the TypeScript reader's 'latest' and 'oldest').
  BroadcastReader(Header* h, bool from_start) : h_(h), slots_(h) {
    const uint64_t write = load_position(h->write);
    const uint64_t intent = load_position(h->intent);
    const uint64_t capacity = slots_.capacity();
    if (from_start) {
      pos_ = std::max<uint64_t>(write > capacity ? write - capacity : 0, intent > capacity ? intent - capacity : 0);
    } else {
      pos_ = write == 0 ? 0 : write - 1;
    }
  }

  // Copies up to max intact messages into dst (packed, lengths in lengths[]); returns how many,
  // or -1 on an impossible length inside the intact range. Overruns skip ahead and are counted.
  int64_t read(uint8_t* dst, uint64_t dst_size, uint32_t* lengths, uint64_t max) {
    uint64_t write = load_position(h_->write);
    if (write == pos_ || max == 0) return 0;
    if (write - pos_ > slots_.capacity()) skip_to(write - 1);
    const uint64_t n = std::min(write - pos_, max);
    uint64_t used = 0;
    uint64_t copied = 0;
    for (; copied < n; ++copied) {
      const uint8_t* slot = slots_.at(pos_ + copied);
      uint32_t length = load_u32(slot);
      // A torn length is only trusted after validation; never copy past the slot.
      if (length > slots_.max_message()) length = kTorn;
      const uint32_t bytes = length == kTorn ? 0 : length;
      if (used + bytes > dst_size) break;
      std::memcpy(dst + used, slot + kSlotHeaderSize, bytes);
      lengths[copied] = length;
      used += bytes;
    }
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const uint64_t intent = load_position(h_->intent);
    const uint64_t first_intact = intent > slots_.capacity() ? intent - slots_.capacity() : 0;
    uint64_t lost = 0;
    if (first_intact > pos_) lost = std::min(first_intact - pos_, copied);
    if (lost == copied && copied > 0 && first_intact > pos_) {
      const uint64_t latest = load_position(h_->write) - 1;
      skip_to(std::max(latest, first_intact));
      return 0;
    }
    if (lost > 0) {
      uint64_t skip_bytes = 0;
      for (uint64_t i = 0; i < lost; ++i) skip_bytes += lengths[i] == kTorn ? 0 : lengths[i];
      std::memmove(dst, dst + skip_bytes, used - skip_bytes);
      std::memmove(lengths, lengths + lost, (copied - lost) * sizeof(uint32_t));
      skip_to(pos_ + lost);
    }
    const uint64_t delivered = copied - lost;
    for (uint64_t i = 0; i < delivered; ++i) {
      if (lengths[i] == kTorn) return -1;
    }
    pos_ += delivered;
    if (delivered > 0) skipping_ = false;
    return static_cast<int64_t>(delivered);
  }

  uint64_t position() const { return pos_; }
  uint64_t missed() const { return missed_; }
  uint64_t overruns() const { return overruns_; }

 private:
  static constexpr uint32_t kTorn = 0xFFFFFFFFu;

  // Consecutive skips with nothing delivered between them are one overrun: overruns then equals
  // the number of gaps a reader sees in the sequence it receives.
  void skip_to(uint64_t target) {
    if (target <= pos_) return;
    missed_ += target - pos_;
    if (!skipping_) ++overruns_;
    skipping_ = true;
    pos_ = target;
  }

  Header* h_;
  Slots slots_;
  uint64_t pos_ = 0;
  uint64_t missed_ = 0;
  uint64_t overruns_ = 0;
  bool skipping_ = false;
};

}  // namespace qkring

#endif  // QKRING_RING_CORE_H_
