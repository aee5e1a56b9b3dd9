// The shared-memory layout of a QuantKubera ring, layout version 1.
//
// Mirrored field by field in src/layout/header-layout.ts: the TypeScript side does the hot-path
// ring operations with Atomics over the same bytes, so the two must agree. Both sides assert the
// offsets below (static_assert here, tests there).
//
// Segment = header (kHeaderSize bytes) + capacity slots of slot_size bytes.
//
// Header, little-endian; every hot field sits on its own 128-byte line (two 64-byte cache lines,
// so the adjacent-line prefetcher of x86 cores does not couple producer and consumer lines):
//
//   offset  size  field
//        0     4  magic 'QKRG' (0x47524B51), written last with release: a reader seeing it sees
//                 an initialised header
//        4     4  layout version (1)
//        8     4  kind: 1 = SPSC queue, 2 = single-producer broadcast
//       12     4  capacity in slots (a power of two)
//       16     4  slot size in bytes (a multiple of 8)
//       20     4  header size in bytes (1024)
//       24     8  segment size in bytes (lo, hi)
//       32     4  producer pid
//       36     4  producer state: 0 initialising, 1 active, 2 closed cleanly
//       40     4  consumer pid (SPSC; 0 when none attached)
//       44     4  consumer state: 0 none, 1 attached, 2 detached cleanly
//       48     8  creation time, epoch microseconds
//       56     8  producer process start time (clock ticks since boot, /proc/<pid>/stat field
//                 22; 0 when unknown): with the pid it identifies the process across pid reuse
//       64     8  consumer process start time (SPSC; 0 while attaching or when none)
//      128     8  producer heartbeat, epoch microseconds (int64)
//      136     8  consumer heartbeat, epoch microseconds (int64, SPSC)
//      256    12  write position: messages published (64-bit counter as three words, below)
//      268    12  intent position (broadcast): the producer may be writing slots below it
//      384    12  read position (SPSC): messages the consumer has released
//      512     4  consumer waiters: consumers asleep on the write position's low word
//      640     4  producer waiters: producers asleep on the read position's low word (SPSC)
//     1024        slots
//
// A 64-bit position is {lo, hi_a, hi_b}. JavaScript has no allocation-free 64-bit atomics, so the
// single writer stores hi_b, then lo, then hi_a (hi words only when they change, once per 2^32
// messages) and a reader loads hi_a, lo, hi_b and retries when the hi words differ. A reader that
// sees a new lo sees the hi_b stored before it; one that sees an old hi_a also sees an old lo.
//
// Slot: [0, 4) payload length (int32); [4, 8) low 32 bits of the message's sequence number (a
// cheap cross-check); [8, slot_size) payload. So a message holds at most slot_size - 8 bytes.
#ifndef QKRING_RING_LAYOUT_H_
#define QKRING_RING_LAYOUT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace qkring {

constexpr uint32_t kMagic = 0x47524B51u;
constexpr uint32_t kLayoutVersion = 1;
constexpr uint32_t kKindSpsc = 1;
constexpr uint32_t kKindBroadcast = 2;
constexpr uint32_t kHeaderSize = 1024;
constexpr uint32_t kSlotHeaderSize = 8;
constexpr uint32_t kMinSlotSize = 16;
constexpr uint32_t kMaxSlotSize = 1u << 20;
constexpr uint32_t kMinCapacity = 2;
constexpr uint32_t kMaxCapacity = 1u << 24;
constexpr uint64_t kMaxSegmentSize = 1ull << 31;  // JS typed arrays index it with int32 math

constexpr int32_t kStateInitialising = 0;
constexpr int32_t kStateActive = 1;
constexpr int32_t kStateClosed = 2;

// A 64-bit monotonic counter readable without 64-bit atomics (see the file comment).
struct Position {
  std::atomic<uint32_t> lo;
  std::atomic<uint32_t> hi_a;
  std::atomic<uint32_t> hi_b;
};

struct Header {
  std::atomic<uint32_t> magic;
  uint32_t layout_version;
  uint32_t kind;
  uint32_t capacity;
  uint32_t slot_size;
  uint32_t header_size;
  uint32_t segment_size_lo;
  uint32_t segment_size_hi;
  std::atomic<int32_t> producer_pid;
  std::atomic<int32_t> producer_state;
  std::atomic<int32_t> consumer_pid;
  std::atomic<int32_t> consumer_state;
  int64_t created_us;
  std::atomic<int64_t> producer_start;
  std::atomic<int64_t> consumer_start;
  uint8_t pad0[128 - 72];
  std::atomic<int64_t> producer_heartbeat_us;
  std::atomic<int64_t> consumer_heartbeat_us;
  uint8_t pad1[256 - 144];
  Position write;
  Position intent;
  uint8_t pad2[384 - 280];
  Position read;
  uint8_t pad3[512 - 396];
  std::atomic<int32_t> consumer_waiters;
  uint8_t pad4[640 - 516];
  std::atomic<int32_t> producer_waiters;
  uint8_t pad5[kHeaderSize - 644];
};

static_assert(std::atomic<uint32_t>::is_always_lock_free, "32-bit atomics must be lock-free");
static_assert(std::atomic<int64_t>::is_always_lock_free, "64-bit atomics must be lock-free");
static_assert(sizeof(std::atomic<uint32_t>) == 4, "an atomic word must be a plain word in memory");
static_assert(sizeof(Header) == kHeaderSize, "header size");
static_assert(offsetof(Header, producer_pid) == 32, "producer_pid offset");
static_assert(offsetof(Header, created_us) == 48, "created_us offset");
static_assert(offsetof(Header, producer_start) == 56, "producer_start offset");
static_assert(offsetof(Header, consumer_start) == 64, "consumer_start offset");
static_assert(offsetof(Header, producer_heartbeat_us) == 128, "heartbeat offset");
static_assert(offsetof(Header, consumer_heartbeat_us) == 136, "consumer heartbeat offset");
static_assert(offsetof(Header, write) == 256, "write position offset");
static_assert(offsetof(Header, intent) == 268, "intent position offset");
static_assert(offsetof(Header, read) == 384, "read position offset");
static_assert(offsetof(Header, consumer_waiters) == 512, "consumer waiters offset");
static_assert(offsetof(Header, producer_waiters) == 640, "producer waiters offset");

}  // namespace qkring

#endif  // QKRING_RING_LAYOUT_H_
