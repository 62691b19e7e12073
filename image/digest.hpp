#pragma once
// Content digests ("sha256:<64 hex>") and a streaming SHA-256. Only sha256 is supported:
// anything else is refused with an error naming the digest.
#include <compare>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace stk::image {

class Digest {
public:
    Digest() = default;
    // "sha256:<64 lowercase hex>"; throws Error naming the text otherwise.
    static Digest parse(std::string_view text);
    static Digest from_hex(std::string_view hex);  // the 64 hex digits alone
    static bool valid(std::string_view text) noexcept;
    static Digest of(std::string_view content);   // sha256 of a byte string
    static Digest of_file(const std::filesystem::path& path);  // streamed; Error naming the file

    const std::string& hex() const noexcept { return hex_; }
    std::string str() const { return "sha256:" + hex_; }
    std::string short_hex(size_t n = 12) const { return hex_.substr(0, n); }
    bool empty() const noexcept { return hex_.empty(); }

    auto operator<=>(const Digest&) const = default;

private:
    std::string hex_;
};

// Incremental SHA-256 (OpenSSL behind a pointer, so this header stays light).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* data, size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    Digest finish();  // the object may not be updated afterwards

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace stk::image
