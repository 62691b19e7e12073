#include "network/dns/dns_message.hpp"

#include <fmt/format.h>

#include <cctype>
#include <map>

#include "runtime/sys/error.hpp"

namespace stk::net::dns {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxNameLength = 255;  // wire length, RFC 1035 §2.3.4
constexpr int kMaxPointerJumps = 32;

class Reader {
public:
    explicit Reader(std::span<const uint8_t> data) : data_(data) {}

    bool u8(uint8_t& v) {
        if (pos_ + 1 > data_.size()) return false;
        v = data_[pos_++];
        return true;
    }
    bool u16(uint16_t& v) {
        if (pos_ + 2 > data_.size()) return false;
        v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
        pos_ += 2;
        return true;
    }
    bool u32(uint32_t& v) {
        uint16_t hi, lo;
        if (!u16(hi) || !u16(lo)) return false;
        v = uint32_t(hi) << 16 | lo;
        return true;
    }
    bool bytes(std::size_t n, std::vector<uint8_t>& out) {
        if (n > data_.size() - pos_) return false;
        out.assign(data_.begin() + pos_, data_.begin() + pos_ + n);
        pos_ += n;
        return true;
    }

    // A possibly compressed name; pointers must point strictly backwards, which with the jump
    // cap rules out loops.
    bool name(std::string& out) {
        out.clear();
        std::size_t pos = pos_;
        std::size_t wire_length = 1;
        bool jumped = false;
        int jumps = 0;
        while (true) {
            if (pos >= data_.size()) return false;
            uint8_t len = data_[pos];
            if ((len & 0xC0) == 0xC0) {
                if (pos + 1 >= data_.size()) return false;
                std::size_t target = std::size_t(len & 0x3F) << 8 | data_[pos + 1];
                if (target >= pos || ++jumps > kMaxPointerJumps) return false;
                if (!jumped) pos_ = pos + 2;
                jumped = true;
                pos = target;
                continue;
            }
            if ((len & 0xC0) != 0) return false;  // 0x40/0x80 label types are obsolete
            if (len == 0) {
                if (!jumped) pos_ = pos + 1;
                return true;
            }
            wire_length += len + 1u;
            if (wire_length > kMaxNameLength || pos + 1 + len > data_.size()) return false;
            if (!out.empty()) out += '.';
            for (std::size_t i = 0; i < len; ++i) {
                char c = static_cast<char>(data_[pos + 1 + i]);
                if (c == '.' || c == '\0') return false;  // would be ambiguous in dotted form
                out += c;
            }
            pos += 1 + len;
        }
    }

    std::size_t remaining() const { return data_.size() - pos_; }

private:
    std::span<const uint8_t> data_;
    std::size_t pos_ = 0;
};

bool read_record(Reader& r, ResourceRecord& rr) {
    uint16_t rdlength;
    if (!r.name(rr.name) || !r.u16(rr.type) || !r.u16(rr.klass) || !r.u32(rr.ttl) ||
        !r.u16(rdlength))
        return false;
    return r.bytes(rdlength, rr.rdata);
}

class Writer {
public:
    void u8(uint8_t v) { out_.push_back(v); }
    void u16(uint16_t v) {
        out_.push_back(static_cast<uint8_t>(v >> 8));
        out_.push_back(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u16(static_cast<uint16_t>(v >> 16));
        u16(static_cast<uint16_t>(v));
    }
    void bytes(const std::vector<uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }

    // Compresses only whole names seen before: repeated owner names are the common case.
    void name(const std::string& name) {
        std::string key = canonical_name(name);
        if (auto it = offsets_.find(key); it != offsets_.end()) {
            u16(static_cast<uint16_t>(0xC000 | it->second));
            return;
        }
        if (out_.size() < 0x3FFF) offsets_.emplace(key, static_cast<uint16_t>(out_.size()));
        bytes(name_rdata(name));
    }

    std::vector<uint8_t> take() { return std::move(out_); }

private:
    std::vector<uint8_t> out_;
    std::map<std::string, uint16_t> offsets_;
};

void write_record(Writer& w, const ResourceRecord& rr) {
    if (rr.rdata.size() > 0xFFFF) throw Error(fmt::format("rdata of \"{}\" too long", rr.name));
    w.name(rr.name);
    w.u16(rr.type);
    w.u16(rr.klass);
    w.u32(rr.ttl);
    w.u16(static_cast<uint16_t>(rr.rdata.size()));
    w.bytes(rr.rdata);
}

}  // namespace

std::optional<HeaderPeek> peek_header(std::span<const uint8_t> packet) {
    if (packet.size() < kHeaderSize) return std::nullopt;
    uint16_t flags = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
    return HeaderPeek{static_cast<uint16_t>(packet[0] << 8 | packet[1]), (flags & 0x8000) != 0,
                      static_cast<uint8_t>((flags >> 11) & 0xF)};
}

std::optional<Message> parse_message(std::span<const uint8_t> packet) {
    Reader r(packet);
    Message m;
    uint16_t flags, qd, an, ns, ar;
    if (!r.u16(m.id) || !r.u16(flags) || !r.u16(qd) || !r.u16(an) || !r.u16(ns) || !r.u16(ar))
        return std::nullopt;
    m.response = flags & 0x8000;
    m.opcode = (flags >> 11) & 0xF;
    m.authoritative = flags & 0x0400;
    m.truncated = flags & 0x0200;
    m.recursion_desired = flags & 0x0100;
    m.recursion_available = flags & 0x0080;
    m.rcode = flags & 0xF;
    // Each question takes at least 5 bytes and each record 11: reject absurd counts before
    // reserving anything.
    if (std::size_t(qd) * 5 + (std::size_t(an) + ns + ar) * 11 > r.remaining()) return std::nullopt;
    for (uint16_t i = 0; i < qd; ++i) {
        Question q;
        if (!r.name(q.name) || !r.u16(q.type) || !r.u16(q.klass)) return std::nullopt;
        m.questions.push_back(std::move(q));
    }
    for (auto [count, list] :
         {std::pair{an, &m.answers}, std::pair{ns, &m.authority}, std::pair{ar, &m.additional}}) {
        for (uint16_t i = 0; i < count; ++i) {
            ResourceRecord rr;
            if (!read_record(r, rr)) return std::nullopt;
            list->push_back(std::move(rr));
        }
    }
    if (r.remaining() != 0) return std::nullopt;
    return m;
}

std::vector<uint8_t> encode_message(const Message& m) {
    if (m.questions.size() > 0xFFFF || m.answers.size() > 0xFFFF || m.authority.size() > 0xFFFF ||
        m.additional.size() > 0xFFFF)
        throw Error("DNS message has too many entries");
    Writer w;
    w.u16(m.id);
    uint16_t flags = static_cast<uint16_t>(
        (m.response ? 0x8000 : 0) | (m.opcode & 0xF) << 11 | (m.authoritative ? 0x0400 : 0) |
        (m.truncated ? 0x0200 : 0) | (m.recursion_desired ? 0x0100 : 0) |
        (m.recursion_available ? 0x0080 : 0) | (m.rcode & 0xF));
    w.u16(flags);
    w.u16(static_cast<uint16_t>(m.questions.size()));
    w.u16(static_cast<uint16_t>(m.answers.size()));
    w.u16(static_cast<uint16_t>(m.authority.size()));
    w.u16(static_cast<uint16_t>(m.additional.size()));
    for (const auto& q : m.questions) {
        w.name(q.name);
        w.u16(q.type);
        w.u16(q.klass);
    }
    for (const auto* list : {&m.answers, &m.authority, &m.additional})
        for (const auto& rr : *list) write_record(w, rr);
    return w.take();
}

std::vector<uint8_t> a_rdata(uint32_t address) {
    return {static_cast<uint8_t>(address >> 24), static_cast<uint8_t>(address >> 16),
            static_cast<uint8_t>(address >> 8), static_cast<uint8_t>(address)};
}

std::vector<uint8_t> name_rdata(const std::string& name) {
    std::vector<uint8_t> out;
    std::string_view rest = name;
    if (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
    while (!rest.empty()) {
        auto dot = rest.find('.');
        std::string_view label = rest.substr(0, dot);
        if (label.empty() || label.size() > 63)
            throw Error(fmt::format("cannot encode DNS name \"{}\": bad label length", name));
        out.push_back(static_cast<uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    }
    out.push_back(0);
    if (out.size() > kMaxNameLength)
        throw Error(fmt::format("cannot encode DNS name \"{}\": longer than 255 bytes", name));
    return out;
}

std::string canonical_name(const std::string& name) {
    std::string out = name;
    if (!out.empty() && out.back() == '.') out.pop_back();
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace stk::net::dns
