#pragma once
// Hands a byte stream from one thread (a download) to another (an unpack) through a bounded
// queue of copied chunks: push() blocks while `capacity` bytes wait, pop() while none do.
// close() ends the stream normally; abort() makes every pop() throw, and a consumer that
// gave up (stop_reading()) turns every later push() into a no-op.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace stk::image {

class ByteChannel {
public:
    explicit ByteChannel(std::size_t capacity = 8u << 20) : capacity_(capacity) {}

    void push(std::string_view bytes);
    void close();
    void abort();
    void stop_reading();

    // The next chunk, or an empty string at the end of the stream. Throws Error after abort().
    std::string pop();

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> chunks_;
    std::size_t queued_ = 0;
    std::size_t capacity_;
    bool closed_ = false;
    bool aborted_ = false;
    bool reader_gone_ = false;
};

}  // namespace stk::image
