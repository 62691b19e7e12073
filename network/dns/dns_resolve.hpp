#pragma once
// What the server does with one query packet, decided without sockets: reply now (an answer,
// NXDOMAIN, FORMERR, NOTIMP), forward it upstream, or drop it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace stk::net::dns {

class RecordTable;

struct Resolution {
    enum class Kind { Reply, Forward, Drop };
    Kind kind = Kind::Drop;
    std::vector<uint8_t> reply;  // for Reply
};

// Over UDP a reply is limited to 512 bytes, or to the EDNS payload size the query advertises
// (capped at 1232); one that does not fit is sent with TC set and no answers. Unknown names are
// forwarded when `forward_unknown`, NXDOMAIN otherwise.
Resolution resolve_query(std::span<const uint8_t> packet, RecordTable& records,
                         bool forward_unknown, bool over_udp);

// A SERVFAIL reply for `packet` (when every upstream failed); empty if it cannot be parsed.
std::vector<uint8_t> servfail_reply(std::span<const uint8_t> packet);

}  // namespace stk::net::dns
