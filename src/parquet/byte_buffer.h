// byte_buffer.h — a growable byte buffer for encoders: append without zero-filling.
//
// std::vector<uint8_t>::resize zero-fills, and push_back checks capacity per byte; encoders
// append millions of small pieces per row group, so this buffer reserves once and then
// appends through raw pointers. Growth doubles capacity; clear() keeps the memory, so a
// buffer reused across pages and column chunks stops allocating after the first few.
//
// Thread safety: a plain value; one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sscan::parquet {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { std::free(data_); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), size_};  // NOLINT
  }

  void clear() { size_ = 0; }
  void Reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  // Makes room for `n` more bytes and returns where they go; commit them with Advance().
  uint8_t* EnsureTail(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    return data_ + size_;
  }
  void Advance(size_t n) { size_ += n; }
  // Sets the size; new bytes (if growing) are uninitialised.
  void Resize(size_t n) {
    Reserve(n);
    size_ = n;
  }

  void Append(const void* p, size_t n) {
    if (n == 0) return;
    std::memcpy(EnsureTail(n), p, n);
    size_ += n;
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void PushByte(uint8_t b) {
    *EnsureTail(1) = b;
    ++size_;
  }
  template <typename T>
  void AppendLittleEndian(T v) {  // x86_64 and aarch64 Linux are little-endian
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(EnsureTail(sizeof(T)), &v, sizeof(T));
    size_ += sizeof(T);
  }

 private:
  void Grow(size_t need) {
    size_t cap = capacity_ < 256 ? 256 : capacity_;
    while (cap < need) cap *= 2;
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<uint8_t*>(p);
    capacity_ = cap;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sscan::parquet
