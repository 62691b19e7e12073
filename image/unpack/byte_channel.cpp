#include "image/unpack/byte_channel.hpp"

#include "runtime/sys/error.hpp"

namespace stk::image {

void ByteChannel::push(std::string_view bytes) {
    if (bytes.empty()) return;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return reader_gone_ || aborted_ || queued_ < capacity_; });
    if (reader_gone_ || aborted_) return;
    chunks_.emplace_back(bytes);
    queued_ += bytes.size();
    cv_.notify_all();
}

void ByteChannel::close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
}

void ByteChannel::abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    cv_.notify_all();
}

void ByteChannel::stop_reading() {
    std::lock_guard lock(mu_);
    reader_gone_ = true;
    chunks_.clear();
    queued_ = 0;
    cv_.notify_all();
}

std::string ByteChannel::pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return aborted_ || closed_ || !chunks_.empty(); });
    if (aborted_) throw Error("the download feeding this unpack was abandoned");
    if (chunks_.empty()) return {};
    std::string out = std::move(chunks_.front());
    chunks_.pop_front();
    queued_ -= out.size();
    cv_.notify_all();
    return out;
}

}  // namespace stk::image
