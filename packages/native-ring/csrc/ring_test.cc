// Standalone tests of the C++ ring core (ring_core.h, shm_segment.cc, futex.h) across fork():
// built and run under AddressSanitizer and UndefinedBehaviorSanitizer by scripts/sanitize.sh.
// A Node addon under ASan needs a sanitized Node; this binary exercises the same C++ instead.
//
// Usage: ring_test [messages]   (default 2,000,000 per cross-process test)
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "futex.h"
#include "ring_core.h"
#include "shm_segment.h"

namespace {

using qkring::Header;
using qkring::Mapping;

int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

std::string UniqueName(const char* what) {
  return std::string("qkring-test-") + what + "-" + std::to_string(getpid());
}

// Message seq: 8-byte sequence number, then a byte pattern derived from it; length varies.
uint32_t LengthFor(uint64_t seq, uint32_t max) { return 8 + static_cast<uint32_t>(seq % (max - 8 + 1)); }

void Fill(uint8_t* out, uint64_t seq, uint32_t length) {
  std::memcpy(out, &seq, 8);
  for (uint32_t i = 8; i < length; ++i) out[i] = static_cast<uint8_t>(seq * 31 + i);
}

bool Intact(const uint8_t* in, uint32_t length, uint64_t* seq_out) {
  if (length < 8) return false;
  uint64_t seq;
  std::memcpy(&seq, in, 8);
  *seq_out = seq;
  for (uint32_t i = 8; i < length; ++i) {
    if (in[i] != static_cast<uint8_t>(seq * 31 + i)) return false;
  }
  return true;
}

Header* CreateRing(const std::string& name, uint32_t kind, uint32_t capacity, uint32_t slot_size, Mapping* m) {
  const int err = qkring::create_segment(name, qkring::segment_size_for(capacity, slot_size), m);
  if (err != 0) {
    std::fprintf(stderr, "create_segment %s: %s\n", name.c_str(), std::strerror(err));
    std::exit(2);
  }
  qkring::init_header(m->base, kind, capacity, slot_size, getpid(), 1);
  return static_cast<Header*>(m->base);
}

void TestLayout() {
  std::vector<uint64_t> storage(qkring::segment_size_for(8, 64) / 8 + 1, 0);
  void* base = storage.data();
  const uint64_t size = qkring::segment_size_for(8, 64);
  CHECK(qkring::validate_header(base, size) == qkring::LayoutStatus::kNotInitialised);
  CHECK(qkring::validate_header(base, 100) == qkring::LayoutStatus::kTooSmall);
  qkring::init_header(base, qkring::kKindSpsc, 8, 64, 42, 7);
  CHECK(qkring::validate_header(base, size) == qkring::LayoutStatus::kOk);
  CHECK(qkring::validate_header(base, size + 8) == qkring::LayoutStatus::kSizeMismatch);
  auto* h = static_cast<Header*>(base);
  h->layout_version = 2;
  CHECK(qkring::validate_header(base, size) == qkring::LayoutStatus::kBadVersion);
  h->layout_version = qkring::kLayoutVersion;
  h->capacity = 6;
  CHECK(qkring::validate_header(base, size) == qkring::LayoutStatus::kBadGeometry);
  h->capacity = 8;
  h->magic.store(0x12345678u);
  CHECK(qkring::validate_header(base, size) == qkring::LayoutStatus::kBadMagic);
  CHECK(!qkring::valid_geometry(3, 64));
  CHECK(!qkring::valid_geometry(8, 60));
  CHECK(qkring::valid_geometry(2, 16));
}

void TestPositions() {
  qkring::Position p{};
  const uint64_t values[] = {0, 1, 0xFFFFFFFFull, 0x100000000ull, 0x1FFFFFFFFull, (1ull << 53) - 1};
  for (uint64_t v : values) {
    qkring::store_position(p, v);
    CHECK(qkring::load_position(p) == v);
  }
}

void TestSegments() {
  const std::string name = UniqueName("seg");
  Mapping a;
  CHECK(qkring::create_segment(name, 4096, &a) == 0);
  Mapping b;
  CHECK(qkring::create_segment(name, 4096, &b) == EEXIST);
  Mapping c;
  CHECK(qkring::open_segment(name, &c) == 0);
  CHECK(c.size == 4096);
  static_cast<uint8_t*>(a.base)[100] = 77;
  CHECK(static_cast<uint8_t*>(c.base)[100] == 77);
  CHECK(qkring::unlink_segment(name) == 0);
  CHECK(qkring::unlink_segment(name) == ENOENT);
  Mapping d;
  CHECK(qkring::open_segment(name, &d) == ENOENT);
  qkring::unmap_segment(&a);
  qkring::unmap_segment(&c);
  // A futex wait on a value that differs returns at once; one that matches times out.
  uint32_t word = 5;
  CHECK(qkring::futex_wait(&word, 4, 100) == qkring::WaitResult::kNotEqual);
  CHECK(qkring::futex_wait(&word, 5, 1) == qkring::WaitResult::kTimedOut);
}

// Waits for data or room: spin a little, then sleep on the futex with the waiter count raised.
template <typename Ready>
void WaitFor(std::atomic<int32_t>& waiters, const std::atomic<uint32_t>& word, Ready ready) {
  for (int i = 0; i < 200; ++i) {
    if (ready()) return;
  }
  while (!ready()) {
    waiters.fetch_add(1, std::memory_order_seq_cst);
    const uint32_t expected = word.load(std::memory_order_seq_cst);
    if (!ready()) qkring::futex_wait(&word, expected, 50);
    waiters.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void TestSpscAcrossFork(uint64_t total) {
  const std::string name = UniqueName("spsc");
  Mapping m;
  Header* h = CreateRing(name, qkring::kKindSpsc, 1024, 128, &m);
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    qkring::SpscWriter writer(h);
    const uint32_t max = writer.max_message();
    for (uint64_t seq = 0; seq < total;) {
      uint8_t* payload = writer.try_claim();
      if (payload == nullptr) {
        writer.flush();
        WaitFor(h->producer_waiters, h->read.lo, [&] { return writer.try_claim() != nullptr; });
        continue;
      }
      const uint32_t length = LengthFor(seq, max);
      Fill(payload, seq, length);
      writer.commit(length);
      ++seq;
      if ((seq & 15) == 0) writer.flush();
    }
    writer.flush();
    std::_Exit(0);
  }
  qkring::SpscReader reader(h);
  uint64_t expected = 0;
  uint64_t bad = 0;
  while (expected < total) {
    WaitFor(h->consumer_waiters, h->write.lo, [&] { return reader.available() > 0; });
    const int64_t n = reader.poll(
        [&](const uint8_t* payload, uint32_t length, uint64_t seq) {
          uint64_t carried = 0;
          if (seq != expected || !Intact(payload, length, &carried) || carried != expected ||
              length != LengthFor(expected, 120)) {
            ++bad;
          }
          ++expected;
          return true;
        },
        256);
    CHECK(n >= 0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(bad == 0);
  CHECK(expected == total);
  CHECK(qkring::load_position(h->write) == total);
  std::printf("spsc: %llu messages across fork, %llu bad\n", static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(bad));
  qkring::unlink_segment(name);
  qkring::unmap_segment(&m);
}

// A broadcast reader in its own process: verifies every message it gets and that its overrun
// counters match the gaps it saw. Exit status 0 when all is well.
int BroadcastReaderMain(Header* h, uint64_t total, bool slow) {
  qkring::BroadcastReader reader(h, true);
  const uint32_t max = h->slot_size - qkring::kSlotHeaderSize;
  std::vector<uint8_t> dst(64 * max);
  std::vector<uint32_t> lengths(64);
  // Messages before the reader's starting point were never its to read.
  const uint64_t start = reader.position();
  uint64_t next = start;
  uint64_t gaps = 0;
  uint64_t gap_messages = 0;
  uint64_t received = 0;
  uint64_t bad = 0;
  unsigned spin = 0;
  while (next < total) {
    const int64_t n = reader.read(dst.data(), dst.size(), lengths.data(), 64);
    if (n < 0) return 3;
    if (n == 0) {
      if (++spin % 64 == 0) sched_yield();
      continue;
    }
    size_t at = 0;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t seq = 0;
      if (!Intact(dst.data() + at, lengths[i], &seq) || lengths[i] != LengthFor(seq, max) || seq < next) {
        ++bad;
      } else if (seq > next) {
        // Consecutive skips with nothing delivered between them show as one gap.
        ++gaps;
        gap_messages += seq - next;
      }
      next = seq + 1;
      ++received;
      at += lengths[i];
    }
    if (slow) {
      // Fall behind on purpose so the producer laps this reader.
      for (volatile int k = 0; k < 20000; k = k + 1) {
      }
    }
  }
  std::printf("broadcast reader (%s): received %llu, missed %llu in %llu overruns, %llu bad\n", slow ? "slow" : "fast",
              static_cast<unsigned long long>(received), static_cast<unsigned long long>(reader.missed()),
              static_cast<unsigned long long>(reader.overruns()), static_cast<unsigned long long>(bad));
  std::printf("  observed %llu gaps of %llu messages\n", static_cast<unsigned long long>(gaps),
              static_cast<unsigned long long>(gap_messages));
  std::fflush(stdout);
  if (bad != 0) return 4;
  if (reader.missed() != gap_messages || reader.overruns() != gaps) return 5;
  if (received + gap_messages != total - start) return 6;
  if (slow && reader.overruns() == 0) return 7;
  return 0;
}

void TestBroadcastAcrossFork(uint64_t total) {
  const std::string name = UniqueName("bcast");
  Mapping m;
  Header* h = CreateRing(name, qkring::kKindBroadcast, 256, 64, &m);
  std::vector<pid_t> readers;
  std::fflush(stdout);
  for (bool slow : {false, true}) {
    const pid_t pid = fork();
    if (pid == 0) std::_Exit(BroadcastReaderMain(h, total, slow));
    readers.push_back(pid);
  }
  qkring::BroadcastWriter writer(h);
  const uint32_t max = writer.max_message();
  std::vector<uint8_t> message(max);
  for (uint64_t seq = 0; seq < total; ++seq) {
    const uint32_t length = LengthFor(seq, max);
    Fill(message.data(), seq, length);
    CHECK(writer.write(message.data(), length) == qkring::WriteStatus::kOk);
    if ((seq & 7) == 7) writer.flush();
    // Pace a little so the fast reader keeps up and the slow one is lapped.
    if ((seq & 1023) == 0) sched_yield();
  }
  writer.flush();
  CHECK(writer.write(message.data(), max + 1) == qkring::WriteStatus::kTooLarge);
  for (pid_t pid : readers) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      std::fprintf(stderr, "broadcast reader %d failed: status %d\n", pid, status);
      ++g_failures;
    }
  }
  qkring::unlink_segment(name);
  qkring::unmap_segment(&m);
}

void TestSpscFullAndResume() {
  const std::string name = UniqueName("full");
  Mapping m;
  Header* h = CreateRing(name, qkring::kKindSpsc, 4, 32, &m);
  {
    qkring::SpscWriter writer(h);
    uint8_t data[24] = {1};
    for (int i = 0; i < 4; ++i) CHECK(writer.try_write(data, 24) == qkring::WriteStatus::kOk);
    CHECK(writer.try_write(data, 24) == qkring::WriteStatus::kFull);
    CHECK(writer.try_write(data, 25) == qkring::WriteStatus::kTooLarge);
    writer.flush();
  }
  {
    // A reader that consumes two and goes away; its successor resumes at message 2.
    qkring::SpscReader first(h);
    CHECK(first.poll([](const uint8_t*, uint32_t, uint64_t) { return true; }, 2) == 2);
  }
  qkring::SpscReader second(h);
  uint64_t first_seq = 99;
  CHECK(second.poll([&](const uint8_t*, uint32_t, uint64_t seq) {
          if (first_seq == 99) first_seq = seq;
          return true;
        }, 10) == 2);
  CHECK(first_seq == 2);
  qkring::unlink_segment(name);
  qkring::unmap_segment(&m);
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  signal(SIGPIPE, SIG_IGN);
  TestLayout();
  TestPositions();
  TestSegments();
  TestSpscFullAndResume();
  TestSpscAcrossFork(total);
  TestBroadcastAcrossFork(total);
  if (g_failures != 0) {
    std::fprintf(stderr, "ring_test: %d check(s) failed\n", g_failures);
    return 1;
  }
  std::printf("ring_test: all checks passed\n");
  return 0;
}
