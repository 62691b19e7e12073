#pragma once
// A small DNS message codec (RFC 1035): enough for a stub-facing server answering A and PTR
// and relaying everything else. Parsing is bounds-checked; malformed input yields nullopt.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace stk::net::dns {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypePtr = 12;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint16_t kTypeAny = 255;
inline constexpr uint16_t kClassIn = 1;

inline constexpr uint8_t kRcodeNoError = 0;
inline constexpr uint8_t kRcodeFormErr = 1;
inline constexpr uint8_t kRcodeServFail = 2;
inline constexpr uint8_t kRcodeNxDomain = 3;
inline constexpr uint8_t kRcodeNotImp = 4;

struct Question {
    std::string name;  // dotted, without the trailing dot, as sent (case kept)
    uint16_t type = kTypeA;
    uint16_t klass = kClassIn;
};

struct ResourceRecord {
    std::string name;
    uint16_t type = kTypeA;
    uint16_t klass = kClassIn;
    uint32_t ttl = 0;
    std::vector<uint8_t> rdata;  // raw; a PTR's target name is encoded uncompressed
};

struct Message {
    uint16_t id = 0;
    bool response = false;  // QR
    uint8_t opcode = 0;
    bool authoritative = false;
    bool truncated = false;
    bool recursion_desired = false;
    bool recursion_available = false;
    uint8_t rcode = 0;
    std::vector<Question> questions;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> authority;
    std::vector<ResourceRecord> additional;
};

// Parses a whole message; nullopt when it is truncated, has a bad name, a compression loop,
// counts that do not match the data, or trailing garbage.
std::optional<Message> parse_message(std::span<const uint8_t> packet);

// The id and flags of a packet with at least a full header, for a FORMERR reply.
struct HeaderPeek {
    uint16_t id;
    bool response;
    uint8_t opcode;
};
std::optional<HeaderPeek> peek_header(std::span<const uint8_t> packet);

// Encodes with name compression for repeated owner names. Throws Error on a name that cannot
// be encoded (label > 63 bytes, name > 255 bytes, empty label).
std::vector<uint8_t> encode_message(const Message& message);

// rdata of an A record from a host-byte-order address, and of a PTR record from a name.
std::vector<uint8_t> a_rdata(uint32_t address);
std::vector<uint8_t> name_rdata(const std::string& name);

// Lower-cased, trailing dot removed: the form names are compared in.
std::string canonical_name(const std::string& name);

}  // namespace stk::net::dns
