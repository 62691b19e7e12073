#include "image/digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <vector>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::image {
namespace {

bool is_lower_hex64(std::string_view s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

bool Digest::valid(std::string_view text) noexcept {
    return text.substr(0, 7) == "sha256:" && is_lower_hex64(text.substr(7));
}

Digest Digest::parse(std::string_view text) {
    if (!valid(text)) {
        auto colon = text.find(':');
        if (colon != std::string_view::npos && text.substr(0, colon) != "sha256")
            throw Error(fmt::format("digest \"{}\": algorithm \"{}\" is not supported (only sha256)",
                                    text, text.substr(0, colon)));
        throw Error(fmt::format("digest \"{}\" is not sha256:<64 lowercase hex digits>", text));
    }
    return from_hex(text.substr(7));
}

Digest Digest::from_hex(std::string_view hex) {
    if (!is_lower_hex64(hex))
        throw Error(fmt::format("\"{}\" is not a sha256 digest (64 lowercase hex digits)", hex));
    Digest d;
    d.hex_ = std::string(hex);
    return d;
}

Digest Digest::of(std::string_view content) {
    Sha256 h;
    h.update(content);
    return h.finish();
}

Digest Digest::of_file(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno(fmt::format("open \"{}\"", path.string()));
    Sha256 h;
    std::vector<char> buf(1 << 20);
    ssize_t n;
    while ((n = ::read(fd.get(), buf.data(), buf.size())) != 0) {
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(fmt::format("read \"{}\"", path.string()));
        }
        h.update(buf.data(), static_cast<size_t>(n));
    }
    return h.finish();
}

struct Sha256::State {
    EVP_MD_CTX* ctx = nullptr;
    ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
    state_->ctx = EVP_MD_CTX_new();
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1)
        throw Error("sha256: cannot initialise OpenSSL digest context");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) {
    if (size && EVP_DigestUpdate(state_->ctx, data, size) != 1) throw Error("sha256: update failed");
}

Digest Sha256::finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(state_->ctx, md, &len) != 1) throw Error("sha256: final failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        hex.push_back(kHex[md[i] >> 4]);
        hex.push_back(kHex[md[i] & 0xf]);
    }
    return Digest::from_hex(hex);
}

}  // namespace stk::image
