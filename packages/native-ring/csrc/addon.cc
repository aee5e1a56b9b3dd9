// The N-API surface of @quantkubera/native-ring: named segments mapped once as external
// ArrayBuffers, process-shared futex waits, and the C++ ring's batch operations.
//
// Memory safety (no JavaScript or native access after unmap):
//  - A mapping belongs to a reference-counted Segment. Its external ArrayBuffer holds one
//    reference, released by the ArrayBuffer's finalizer; every native object that keeps a pointer
//    into the mapping (a NativeRingWriter/Reader, an asynchronous futex wait in flight) holds
//    another. munmap runs only when the last reference goes, so no native pointer outlives it.
//  - JavaScript reaches the memory only through that ArrayBuffer. close() detaches it (napi
//    detach): every typed-array view then has length 0, reads give undefined, Atomics throw, and
//    the finalizer can run. A view cannot reach the memory after detach, and before detach the
//    ArrayBuffer is alive, so its reference keeps the mapping.
//  - Finalizers run on the JavaScript thread, never during a synchronous call into this addon, so a
//    synchronous futex wait cannot lose its mapping mid-call.
#include <napi.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "futex.h"
#include "ring_core.h"
#include "shm_segment.h"

namespace {

using qkring::Header;
using qkring::Mapping;

struct Segment {
  Mapping mapping;
  int refs = 1;
};

// Segments by base address, so a typed array's data pointer finds its owner.
std::mutex g_segments_mutex;
std::map<uintptr_t, Segment*> g_segments;

void RetainLocked(Segment* segment) { ++segment->refs; }

void Release(Segment* segment) {
  std::lock_guard<std::mutex> lock(g_segments_mutex);
  if (--segment->refs > 0) return;
  g_segments.erase(reinterpret_cast<uintptr_t>(segment->mapping.base));
  qkring::unmap_segment(&segment->mapping);
  delete segment;
}

// The segment containing [data, data + length), retained; nullptr if none does.
Segment* RetainContaining(const void* data, size_t length) {
  std::lock_guard<std::mutex> lock(g_segments_mutex);
  const auto address = reinterpret_cast<uintptr_t>(data);
  auto it = g_segments.upper_bound(address);
  if (it == g_segments.begin()) return nullptr;
  --it;
  Segment* segment = it->second;
  const auto base = reinterpret_cast<uintptr_t>(segment->mapping.base);
  if (address + length > base + segment->mapping.size) return nullptr;
  RetainLocked(segment);
  return segment;
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& name) {
  const char* code = strerrorname_np(err);
  Napi::Error error =
      Napi::Error::New(env, std::string(syscall) + " " + name + ": " + std::strerror(err));
  error.Set("code", Napi::String::New(env, code == nullptr ? "EUNKNOWN" : code));
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

std::string NameArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(info.Env(), "expected a segment name string");
  }
  return info[0].As<Napi::String>().Utf8Value();
}

double NumberArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("expected a number for ") + what);
  }
  return info[index].As<Napi::Number>().DoubleValue();
}

Napi::ArrayBuffer ArrayBufferArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsArrayBuffer()) {
    throw Napi::TypeError::New(info.Env(), "expected a segment ArrayBuffer");
  }
  return info[index].As<Napi::ArrayBuffer>();
}

void FinalizeSegment(Napi::Env, void*, Segment* segment) { Release(segment); }

Napi::Value Wrap(Napi::Env env, const Mapping& mapping) {
  if (mapping.size == 0) return Napi::ArrayBuffer::New(env, 0);
  auto* segment = new Segment{mapping, 1};
  {
    std::lock_guard<std::mutex> lock(g_segments_mutex);
    g_segments[reinterpret_cast<uintptr_t>(mapping.base)] = segment;
  }
  return Napi::ArrayBuffer::New(env, mapping.base, mapping.size, FinalizeSegment, segment);
}

// createSegment(name, size): creates exclusively, zero-filled, and maps it.
Napi::Value CreateSegment(const Napi::CallbackInfo& info) {
  const std::string name = NameArg(info);
  const double size = NumberArg(info, 1, "size");
  if (!(size >= qkring::kHeaderSize) || size > static_cast<double>(qkring::kMaxSegmentSize)) {
    throw Napi::RangeError::New(info.Env(), "segment size out of range");
  }
  Mapping mapping;
  const int err = qkring::create_segment(name, static_cast<size_t>(size), &mapping);
  if (err != 0) throw ErrnoError(info.Env(), err, "shm_open", name);
  return Wrap(info.Env(), mapping);
}

// openSegment(name): maps an existing segment (an empty ArrayBuffer while it is still unsized).
Napi::Value OpenSegment(const Napi::CallbackInfo& info) {
  const std::string name = NameArg(info);
  Mapping mapping;
  const int err = qkring::open_segment(name, &mapping);
  if (err != 0) throw ErrnoError(info.Env(), err, "shm_open", name);
  return Wrap(info.Env(), mapping);
}

// unlinkSegment(name): true when removed, false when there was none.
Napi::Value UnlinkSegment(const Napi::CallbackInfo& info) {
  const std::string name = NameArg(info);
  const int err = qkring::unlink_segment(name);
  if (err == ENOENT) return Napi::Boolean::New(info.Env(), false);
  if (err != 0) throw ErrnoError(info.Env(), err, "shm_unlink", name);
  return Napi::Boolean::New(info.Env(), true);
}

// releaseSegment(buffer): detaches the ArrayBuffer; the unmap follows once nothing refers to it.
Napi::Value ReleaseSegment(const Napi::CallbackInfo& info) {
  Napi::ArrayBuffer buffer = ArrayBufferArg(info, 0);
  if (!buffer.IsDetached()) buffer.Detach();
  return info.Env().Undefined();
}

// validateHeader(buffer): the C++ validator's LayoutStatus, for cross-checks with the TS one.
Napi::Value ValidateHeader(const Napi::CallbackInfo& info) {
  Napi::ArrayBuffer buffer = ArrayBufferArg(info, 0);
  if (buffer.IsDetached()) throw Napi::Error::New(info.Env(), "segment is closed");
  const auto status = qkring::validate_header(buffer.Data(), buffer.ByteLength());
  return Napi::Number::New(info.Env(), static_cast<int>(status));
}

// initHeader(buffer, kind, capacity, slotSize, pid, nowUs): the C++ initialiser (interop tests).
Napi::Value InitHeader(const Napi::CallbackInfo& info) {
  Napi::ArrayBuffer buffer = ArrayBufferArg(info, 0);
  const auto kind = static_cast<uint32_t>(NumberArg(info, 1, "kind"));
  const auto capacity = static_cast<uint32_t>(NumberArg(info, 2, "capacity"));
  const auto slot_size = static_cast<uint32_t>(NumberArg(info, 3, "slotSize"));
  const auto pid = static_cast<int32_t>(NumberArg(info, 4, "pid"));
  const auto now_us = static_cast<int64_t>(NumberArg(info, 5, "nowUs"));
  if (buffer.IsDetached() || !qkring::valid_geometry(capacity, slot_size) ||
      buffer.ByteLength() != qkring::segment_size_for(capacity, slot_size) ||
      (kind != qkring::kKindSpsc && kind != qkring::kKindBroadcast)) {
    throw Napi::RangeError::New(info.Env(), "geometry does not fit the segment");
  }
  qkring::init_header(buffer.Data(), kind, capacity, slot_size, pid, now_us);
  return info.Env().Undefined();
}

// The 32-bit word at index of an Int32Array.
int32_t* WordArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), "expected an Int32Array");
  }
  Napi::TypedArray typed = info[0].As<Napi::TypedArray>();
  if (typed.TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), "expected an Int32Array");
  }
  Napi::Int32Array words = typed.As<Napi::Int32Array>();
  const double index = NumberArg(info, 1, "index");
  if (!(index >= 0) || index >= static_cast<double>(words.ElementLength()) || index != static_cast<size_t>(index)) {
    throw Napi::RangeError::New(info.Env(), "word index out of range (or the segment is closed)");
  }
  return words.Data() + static_cast<size_t>(index);
}

// futexWait(words, index, expected, timeoutMs): 0 woken, 1 value differed, 2 timed out.
Napi::Value FutexWait(const Napi::CallbackInfo& info) {
  int32_t* word = WordArg(info);
  const auto expected = static_cast<int32_t>(NumberArg(info, 2, "expected"));
  const double timeout_ms = NumberArg(info, 3, "timeoutMs");
  const auto result = qkring::futex_wait(word, static_cast<uint32_t>(expected), timeout_ms);
  if (result == qkring::WaitResult::kFault) throw Napi::Error::New(info.Env(), "futex word is not mapped");
  return Napi::Number::New(info.Env(), static_cast<int>(result));
}

// futexWake(words, index, count): how many waiters were woken.
Napi::Value FutexWake(const Napi::CallbackInfo& info) {
  int32_t* word = WordArg(info);
  const double count = NumberArg(info, 2, "count");
  const int n = count >= 2147483647.0 ? 2147483647 : (count < 1 ? 1 : static_cast<int>(count));
  return Napi::Number::New(info.Env(), qkring::futex_wake(word, n));
}

// A futex wait on a libuv pool thread; the segment is retained until it completes.
class FutexWaitWorker : public Napi::AsyncWorker {
 public:
  FutexWaitWorker(Napi::Env env, Segment* segment, int32_t* word, int32_t expected, double timeout_ms)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), segment_(segment),
        word_(word), expected_(expected), timeout_ms_(timeout_ms) {}

  ~FutexWaitWorker() override { Release(segment_); }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    result_ = qkring::futex_wait(word_, static_cast<uint32_t>(expected_), timeout_ms_);
  }

  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), static_cast<int>(result_))); }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Segment* segment_;
  int32_t* word_;
  int32_t expected_;
  double timeout_ms_;
  qkring::WaitResult result_ = qkring::WaitResult::kWoken;
};

// futexWaitAsync(words, index, expected, timeoutMs): a Promise of futexWait's result.
Napi::Value FutexWaitAsync(const Napi::CallbackInfo& info) {
  int32_t* word = WordArg(info);
  const auto expected = static_cast<int32_t>(NumberArg(info, 2, "expected"));
  const double timeout_ms = NumberArg(info, 3, "timeoutMs");
  Segment* segment = RetainContaining(word, sizeof(int32_t));
  if (segment == nullptr) throw Napi::TypeError::New(info.Env(), "the word is not inside a ring segment");
  auto* worker = new FutexWaitWorker(info.Env(), segment, word, expected, timeout_ms);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value YieldCpu(const Napi::CallbackInfo& info) {
  sched_yield();
  return info.Env().Undefined();
}

// Common state of the native batch writer and reader: the segment, retained, and its ArrayBuffer,
// referenced so use after close() is detected as detachment.
class SegmentHolder {
 protected:
  Header* Attach(const Napi::CallbackInfo& info) {
    Napi::ArrayBuffer buffer = ArrayBufferArg(info, 0);
    if (buffer.IsDetached()) throw Napi::Error::New(info.Env(), "segment is closed");
    segment_ = RetainContaining(buffer.Data(), buffer.ByteLength());
    if (segment_ == nullptr || segment_->mapping.base != buffer.Data()) {
      if (segment_ != nullptr) Release(segment_);
      segment_ = nullptr;
      throw Napi::TypeError::New(info.Env(), "not a mapped ring segment");
    }
    if (qkring::validate_header(buffer.Data(), buffer.ByteLength()) != qkring::LayoutStatus::kOk) {
      throw Napi::Error::New(info.Env(), "segment header is not a valid ring");
    }
    buffer_ = Napi::Persistent(buffer);
    return static_cast<Header*>(buffer.Data());
  }

  void CheckOpen(Napi::Env env) {
    if (buffer_.IsEmpty() || buffer_.Value().IsDetached()) throw Napi::Error::New(env, "segment is closed");
  }

  ~SegmentHolder() {
    if (segment_ != nullptr) Release(segment_);
  }

  Segment* segment_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
};

Napi::Uint8Array BytesArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), "expected a Uint8Array");
  }
  return info[index].As<Napi::Uint8Array>();
}

Napi::Int32Array LengthsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), "expected an Int32Array of lengths");
  }
  return info[index].As<Napi::Int32Array>();
}

// NativeRingWriter(buffer): the C++ producer. writeBatch(src, lengths, count) copies count
// messages packed back to back in src and publishes them once; returns how many fitted (SPSC
// stops when full; broadcast writes all). Throws RangeError for a message larger than a slot.
class NativeRingWriter : public Napi::ObjectWrap<NativeRingWriter>, SegmentHolder {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeRingWriter", {InstanceMethod("writeBatch", &NativeRingWriter::WriteBatch)});
  }

  explicit NativeRingWriter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeRingWriter>(info) {
    Header* h = Attach(info);
    if (h->kind == qkring::kKindSpsc) {
      spsc_ = std::make_unique<qkring::SpscWriter>(h);
    } else {
      broadcast_ = std::make_unique<qkring::BroadcastWriter>(h);
    }
  }

 private:
  Napi::Value WriteBatch(const Napi::CallbackInfo& info) {
    CheckOpen(info.Env());
    Napi::Uint8Array src = BytesArg(info, 0);
    Napi::Int32Array lengths = LengthsArg(info, 1);
    const double count_arg = NumberArg(info, 2, "count");
    if (!(count_arg >= 0) || count_arg > static_cast<double>(lengths.ElementLength())) {
      throw Napi::RangeError::New(info.Env(), "count exceeds the lengths array");
    }
    const auto count = static_cast<size_t>(count_arg);
    const uint32_t max = spsc_ ? spsc_->max_message() : broadcast_->max_message();
    const uint8_t* data = src.Data();
    const size_t size = src.ByteLength();
    size_t at = 0;
    size_t written = 0;
    for (; written < count; ++written) {
      const int32_t length = lengths[written];
      if (length < 0 || static_cast<uint32_t>(length) > max) {
        Flush();
        throw Napi::RangeError::New(info.Env(), "message " + std::to_string(written) + " of " +
                                                    std::to_string(length) + " bytes exceeds the slot's " +
                                                    std::to_string(max));
      }
      if (at + static_cast<size_t>(length) > size) {
        Flush();
        throw Napi::RangeError::New(info.Env(), "lengths run past the end of src");
      }
      if (spsc_) {
        if (spsc_->try_write(data + at, static_cast<uint32_t>(length)) != qkring::WriteStatus::kOk) break;
      } else {
        broadcast_->write(data + at, static_cast<uint32_t>(length));
      }
      at += static_cast<size_t>(length);
    }
    Flush();
    return Napi::Number::New(info.Env(), static_cast<double>(written));
  }

  void Flush() {
    if (spsc_) {
      spsc_->flush();
    } else {
      broadcast_->flush();
    }
  }

  std::unique_ptr<qkring::SpscWriter> spsc_;
  std::unique_ptr<qkring::BroadcastWriter> broadcast_;
};

// NativeRingReader(buffer, fromStart): the C++ consumer. readBatch(dst, lengths, max) copies up to
// max messages packed into dst, their lengths into lengths; returns how many. missed() and
// overruns() report broadcast overruns.
class NativeRingReader : public Napi::ObjectWrap<NativeRingReader>, SegmentHolder {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeRingReader",
                       {InstanceMethod("readBatch", &NativeRingReader::ReadBatch),
                        InstanceMethod("missed", &NativeRingReader::Missed),
                        InstanceMethod("overruns", &NativeRingReader::Overruns)});
  }

  explicit NativeRingReader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeRingReader>(info) {
    Header* h = Attach(info);
    const bool from_start = info.Length() > 1 && info[1].ToBoolean().Value();
    if (h->kind == qkring::kKindSpsc) {
      spsc_ = std::make_unique<qkring::SpscReader>(h);
    } else {
      broadcast_ = std::make_unique<qkring::BroadcastReader>(h, from_start);
    }
  }

 private:
  Napi::Value ReadBatch(const Napi::CallbackInfo& info) {
    CheckOpen(info.Env());
    Napi::Uint8Array dst = BytesArg(info, 0);
    Napi::Int32Array lengths = LengthsArg(info, 1);
    const double max_arg = NumberArg(info, 2, "max");
    const uint64_t max = static_cast<uint64_t>(
        std::max(0.0, std::min(max_arg, static_cast<double>(lengths.ElementLength()))));
    uint8_t* out = dst.Data();
    const size_t size = dst.ByteLength();
    auto* lens = reinterpret_cast<uint32_t*>(lengths.Data());
    int64_t n;
    if (spsc_) {
      size_t used = 0;
      uint64_t count = 0;
      // A message that does not fit stays in the ring for the next call.
      n = spsc_->poll(
          [&](const uint8_t* payload, uint32_t length, uint64_t) {
            if (length > size - used) return false;
            std::memcpy(out + used, payload, length);
            lens[count++] = length;
            used += length;
            return true;
          },
          max);
      if (n < 0) throw Napi::Error::New(info.Env(), "ring corrupt: impossible message length");
    } else {
      n = broadcast_->read(out, size, lens, max);
      if (n < 0) throw Napi::Error::New(info.Env(), "ring corrupt: impossible message length");
    }
    return Napi::Number::New(info.Env(), static_cast<double>(n));
  }

  Napi::Value Missed(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), broadcast_ ? static_cast<double>(broadcast_->missed()) : 0.0);
  }

  Napi::Value Overruns(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), broadcast_ ? static_cast<double>(broadcast_->overruns()) : 0.0);
  }

  std::unique_ptr<qkring::SpscReader> spsc_;
  std::unique_ptr<qkring::BroadcastReader> broadcast_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createSegment", Napi::Function::New(env, CreateSegment));
  exports.Set("openSegment", Napi::Function::New(env, OpenSegment));
  exports.Set("unlinkSegment", Napi::Function::New(env, UnlinkSegment));
  exports.Set("releaseSegment", Napi::Function::New(env, ReleaseSegment));
  exports.Set("validateHeader", Napi::Function::New(env, ValidateHeader));
  exports.Set("initHeader", Napi::Function::New(env, InitHeader));
  exports.Set("futexWait", Napi::Function::New(env, FutexWait));
  exports.Set("futexWaitAsync", Napi::Function::New(env, FutexWaitAsync));
  exports.Set("futexWake", Napi::Function::New(env, FutexWake));
  exports.Set("yieldCpu", Napi::Function::New(env, YieldCpu));
  exports.Set("NativeRingWriter", NativeRingWriter::Init(env));
  exports.Set("NativeRingReader", NativeRingReader::Init(env));
  exports.Set("headerSize", Napi::Number::New(env, qkring::kHeaderSize));
  exports.Set("layoutVersion", Napi::Number::New(env, qkring::kLayoutVersion));
  return exports;
}

}  // namespace

NODE_API_MODULE(quantkubera_native_ring, Init)
