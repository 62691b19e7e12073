#include "network/dns/dns_resolve.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <set>

#include "network/dns/dns_message.hpp"
#include "network/dns/dns_records.hpp"
#include "network/dns/dns_upstreams.hpp"

using namespace stk::net::dns;

namespace {

std::vector<uint8_t> query(const std::string& name, uint16_t type = kTypeA, uint16_t id = 42,
                           std::optional<uint16_t> edns = std::nullopt) {
    Message m;
    m.id = id;
    m.recursion_desired = true;
    m.questions.push_back({name, type, kClassIn});
    if (edns) m.additional.push_back({"", kTypeOpt, *edns, 0, {}});
    return encode_message(m);
}

Message reply_of(const Resolution& r) {
    REQUIRE(r.kind == Resolution::Kind::Reply);
    auto m = parse_message(r.reply);
    REQUIRE(m);
    return *m;
}

std::vector<uint32_t> addresses(const Message& m) {
    std::vector<uint32_t> out;
    for (const auto& rr : m.answers) {
        REQUIRE(rr.type == kTypeA);
        REQUIRE(rr.rdata.size() == 4);
        out.push_back(uint32_t(rr.rdata[0]) << 24 | rr.rdata[1] << 16 | rr.rdata[2] << 8 |
                      rr.rdata[3]);
    }
    return out;
}

}  // namespace

TEST_CASE("dns resolve: A record for a known name, any case, trailing dot") {
    RecordTable t;
    t.set("demo-web-1", {"web", "demo-web-1", "www"}, 0x0AD50002);
    auto m = reply_of(resolve_query(query("WEB."), t, false, true));
    CHECK(m.id == 42);
    CHECK(m.response);
    CHECK(m.authoritative);
    CHECK(m.rcode == kRcodeNoError);
    CHECK(addresses(m) == std::vector<uint32_t>{0x0AD50002});
    CHECK(m.answers[0].name == "WEB");  // the question as asked, case kept
    CHECK(addresses(reply_of(resolve_query(query("www"), t, false, true))) ==
          std::vector<uint32_t>{0x0AD50002});
}

TEST_CASE("dns resolve: replicas answer in rotation") {
    RecordTable t;
    t.set("demo-api-1", {"api", "demo-api-1"}, 0x0A000001);
    t.set("demo-api-2", {"api", "demo-api-2"}, 0x0A000002);
    t.set("demo-api-3", {"api", "demo-api-3"}, 0x0A000003);
    std::set<uint32_t> firsts;
    for (int i = 0; i < 3; ++i) {
        auto a = addresses(reply_of(resolve_query(query("api"), t, false, true)));
        REQUIRE(a.size() == 3);
        CHECK(std::set<uint32_t>(a.begin(), a.end()).size() == 3);
        firsts.insert(a.front());
    }
    CHECK(firsts.size() == 3);
    CHECK(addresses(reply_of(resolve_query(query("demo-api-2"), t, false, true))) ==
          std::vector<uint32_t>{0x0A000002});
}

TEST_CASE("dns resolve: unknown names are NXDOMAIN, or forwarded with egress") {
    RecordTable t;
    t.set("c1", {"web"}, 1);
    auto m = reply_of(resolve_query(query("nope.example"), t, false, true));
    CHECK(m.rcode == kRcodeNxDomain);
    CHECK(m.answers.empty());
    REQUIRE(m.questions.size() == 1);
    CHECK(m.questions[0].name == "nope.example");
    CHECK(resolve_query(query("nope.example"), t, true, true).kind == Resolution::Kind::Forward);
    // A known name is answered locally even with forwarding on.
    CHECK(reply_of(resolve_query(query("web"), t, true, true)).rcode == kRcodeNoError);
}

TEST_CASE("dns resolve: AAAA for a known name is an empty NOERROR, not NXDOMAIN") {
    RecordTable t;
    t.set("c1", {"web"}, 1);
    auto m = reply_of(resolve_query(query("web", kTypeAaaa), t, false, true));
    CHECK(m.rcode == kRcodeNoError);
    CHECK(m.answers.empty());
}

TEST_CASE("dns resolve: PTR for a container address") {
    RecordTable t;
    t.set("c1", {"web", "demo-web-1"}, 0x0AD50702);
    auto m = reply_of(resolve_query(query("2.7.213.10.in-addr.arpa", kTypePtr), t, false, true));
    CHECK(m.rcode == kRcodeNoError);
    REQUIRE(m.answers.size() == 1);
    CHECK(m.answers[0].type == kTypePtr);
    CHECK(m.answers[0].rdata == name_rdata("web"));
    CHECK(
        reply_of(resolve_query(query("3.7.213.10.in-addr.arpa", kTypePtr), t, false, true)).rcode ==
        kRcodeNxDomain);
    CHECK(reply_of(resolve_query(query("300.7.213.10.in-addr.arpa", kTypePtr), t, false, true))
              .rcode == kRcodeNxDomain);
}

TEST_CASE("dns resolve: live updates change the answer") {
    RecordTable t;
    t.set("c1", {"db"}, 1);
    CHECK(addresses(reply_of(resolve_query(query("db"), t, false, true))) ==
          std::vector<uint32_t>{1});
    t.set("c1", {"db"}, 2);  // restarted with a new address
    CHECK(addresses(reply_of(resolve_query(query("db"), t, false, true))) ==
          std::vector<uint32_t>{2});
    t.remove("c1");
    CHECK(reply_of(resolve_query(query("db"), t, false, true)).rcode == kRcodeNxDomain);
}

TEST_CASE("dns resolve: malformed queries get FORMERR, runts and responses are dropped") {
    RecordTable t;
    auto bad = query("web");
    bad.pop_back();  // truncated question
    auto m = reply_of(resolve_query(bad, t, false, true));
    CHECK(m.rcode == kRcodeFormErr);
    CHECK(m.id == 42);

    std::vector<uint8_t> runt = {0, 1, 2};
    CHECK(resolve_query(runt, t, false, true).kind == Resolution::Kind::Drop);

    auto response = query("web");
    response[2] |= 0x80;  // QR set
    CHECK(resolve_query(response, t, false, true).kind == Resolution::Kind::Drop);

    Message two;
    two.questions = {{"a", kTypeA, kClassIn}, {"b", kTypeA, kClassIn}};
    CHECK(reply_of(resolve_query(encode_message(two), t, false, true)).rcode == kRcodeFormErr);

    auto notify = query("web");
    notify[2] |= 4 << 3;  // opcode NOTIFY
    CHECK(reply_of(resolve_query(notify, t, false, true)).rcode == kRcodeNotImp);
}

TEST_CASE("dns resolve: a UDP answer too big for 512 bytes is truncated, TCP is not") {
    RecordTable t;
    for (uint32_t i = 0; i < 60; ++i) t.set("c" + std::to_string(i), {"big"}, 0x0A000000 + i);
    auto udp = reply_of(resolve_query(query("big"), t, false, true));
    CHECK(udp.truncated);
    CHECK(udp.answers.empty());
    auto tcp = reply_of(resolve_query(query("big"), t, false, false));
    CHECK_FALSE(tcp.truncated);
    CHECK(tcp.answers.size() == 60);
    // With EDNS the client's larger buffer is used and the OPT record is echoed.
    auto edns = resolve_query(query("big", kTypeA, 1, 1232), t, false, true);
    auto m = reply_of(edns);
    CHECK_FALSE(m.truncated);
    CHECK(m.answers.size() == 60);
    REQUIRE(m.additional.size() == 1);
    CHECK(m.additional[0].type == kTypeOpt);
}

TEST_CASE("dns resolve: SERVFAIL reply keeps id and question") {
    auto m = parse_message(servfail_reply(query("x.example", kTypeA, 99)));
    REQUIRE(m);
    CHECK(m->rcode == kRcodeServFail);
    CHECK(m->id == 99);
    CHECK(m->questions.size() == 1);
    CHECK(servfail_reply(std::vector<uint8_t>{1, 2}).empty());
}

TEST_CASE("dns upstreams: IPv4 nameservers of a resolv.conf, at most three") {
    auto ns = parse_nameservers(
        "# comment\nsearch example.com\nnameserver 192.0.2.1\nnameserver ::1\n"
        "nameserver bogus\n  nameserver   127.0.0.53  \nnameserver 192.0.2.2\n"
        "nameserver 192.0.2.3\n");
    REQUIRE(ns.size() == 3);
    CHECK(ns[0] == std::pair<uint32_t, uint16_t>{0xC0000201, 53});
    CHECK(ns[1].first == 0x7F000035);
    CHECK(ns[2].first == 0xC0000202);
    CHECK(parse_nameservers("").empty());
}
