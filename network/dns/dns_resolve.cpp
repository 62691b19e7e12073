#include "network/dns/dns_resolve.hpp"

#include <algorithm>
#include <charconv>

#include "network/dns/dns_message.hpp"
#include "network/dns/dns_records.hpp"

namespace stk::net::dns {
namespace {

// Short, so a restarted container's new address is picked up quickly by caching resolvers.
constexpr uint32_t kAnswerTtl = 5;
// The payload size recommended by DNS flag day 2020: fits an unfragmented IPv6 packet.
constexpr uint16_t kEdnsPayload = 1232;

Message reply_skeleton(const Message& query) {
    Message reply;
    reply.id = query.id;
    reply.response = true;
    reply.opcode = query.opcode;
    reply.recursion_desired = query.recursion_desired;
    reply.questions = query.questions;
    return reply;
}

// "4.3.2.10.in-addr.arpa" -> 10.2.3.4; nullopt for anything else.
std::optional<uint32_t> parse_reverse_name(const std::string& canonical) {
    static const std::string suffix = ".in-addr.arpa";
    if (canonical.size() <= suffix.size() ||
        canonical.compare(canonical.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    std::string_view rest(canonical.data(), canonical.size() - suffix.size());
    uint32_t address = 0;
    for (int i = 0; i < 4; ++i) {
        auto dot = rest.find('.');
        if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
        std::string_view part = rest.substr(0, dot);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec != std::errc() || end != part.data() + part.size() || part.empty() || value > 255)
            return std::nullopt;
        address |= value << (8 * i);
        rest = i < 3 ? rest.substr(dot + 1) : std::string_view{};
    }
    return address;
}

Resolution reply_with(Message reply, std::size_t max_size) {
    std::vector<uint8_t> bytes = encode_message(reply);
    if (bytes.size() > max_size) {
        reply.answers.clear();
        reply.truncated = true;
        bytes = encode_message(reply);
    }
    return {Resolution::Kind::Reply, std::move(bytes)};
}

}  // namespace

Resolution resolve_query(std::span<const uint8_t> packet, RecordTable& records,
                         bool forward_unknown, bool over_udp) {
    std::size_t max_size = over_udp ? 512 : 65535;
    auto header = peek_header(packet);
    // Never answer a response (or a runt): that is how reflection loops start.
    if (!header || header->response) return {};
    auto query = parse_message(packet);
    if (!query || query->questions.size() != 1) {
        Message reply;
        reply.id = header->id;
        reply.response = true;
        reply.opcode = header->opcode;
        reply.rcode = kRcodeFormErr;
        return reply_with(std::move(reply), max_size);
    }
    Message reply = reply_skeleton(*query);
    for (const auto& rr : query->additional) {
        if (rr.type != kTypeOpt) continue;
        // EDNS: echo an OPT record and use the larger payload size the client offers.
        reply.additional.push_back({"", kTypeOpt, kEdnsPayload, 0, {}});
        if (over_udp) max_size = std::clamp<std::size_t>(rr.klass, 512, kEdnsPayload);
        break;
    }
    if (query->opcode != 0) {
        reply.rcode = kRcodeNotImp;
        return reply_with(std::move(reply), max_size);
    }
    const Question& q = query->questions.front();
    std::string name = canonical_name(q.name);
    if (q.klass != kClassIn && q.klass != kTypeAny) {
        reply.rcode = kRcodeNotImp;
        return reply_with(std::move(reply), max_size);
    }

    if (auto reverse = parse_reverse_name(name)) {
        if (auto target = records.reverse(*reverse)) {
            reply.authoritative = true;
            if (q.type == kTypePtr || q.type == kTypeAny)
                reply.answers.push_back(
                    {q.name, kTypePtr, kClassIn, kAnswerTtl, name_rdata(*target)});
            return reply_with(std::move(reply), max_size);
        }
    } else if (auto addresses = records.lookup(name)) {
        // A known name: its A records, and an empty NOERROR for other types (AAAA above all),
        // so resolvers fall back to the A answer instead of giving up on NXDOMAIN.
        reply.authoritative = true;
        if (q.type == kTypeA || q.type == kTypeAny)
            for (uint32_t address : *addresses)
                reply.answers.push_back({q.name, kTypeA, kClassIn, kAnswerTtl, a_rdata(address)});
        return reply_with(std::move(reply), max_size);
    }

    if (forward_unknown) return {Resolution::Kind::Forward, {}};
    reply.rcode = kRcodeNxDomain;
    reply.recursion_available = false;
    return reply_with(std::move(reply), max_size);
}

std::vector<uint8_t> servfail_reply(std::span<const uint8_t> packet) {
    auto query = parse_message(packet);
    if (!query) return {};
    Message reply = reply_skeleton(*query);
    reply.rcode = kRcodeServFail;
    return encode_message(reply);
}

}  // namespace stk::net::dns
