#include "network/dns/dns_message.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "runtime/sys/error.hpp"

using namespace stk::net::dns;

namespace {

std::vector<uint8_t> query_bytes(const std::string& name, uint16_t type = kTypeA,
                                 uint16_t id = 0x1234) {
    Message m;
    m.id = id;
    m.recursion_desired = true;
    m.questions.push_back({name, type, kClassIn});
    return encode_message(m);
}

}  // namespace

TEST_CASE("dns codec: a query round-trips with its flags") {
    auto bytes = query_bytes("Web.Example", kTypeA, 0xBEEF);
    // 12 header + 1+3 + 1+7 + 1 root + 4 type/class
    REQUIRE(bytes.size() == 12 + 13 + 4);
    auto m = parse_message(bytes);
    REQUIRE(m);
    CHECK(m->id == 0xBEEF);
    CHECK_FALSE(m->response);
    CHECK(m->recursion_desired);
    REQUIRE(m->questions.size() == 1);
    CHECK(m->questions[0].name == "Web.Example");
    CHECK(m->questions[0].type == kTypeA);
}

TEST_CASE("dns codec: repeated names are compressed and decompressed") {
    Message m;
    m.id = 7;
    m.response = true;
    m.rcode = kRcodeNoError;
    m.questions.push_back({"db", kTypeA, kClassIn});
    m.answers.push_back({"db", kTypeA, kClassIn, 5, a_rdata(0x0AD50003)});
    m.answers.push_back({"DB", kTypeA, kClassIn, 5, a_rdata(0x0AD50004)});
    auto bytes = encode_message(m);
    // Each answer's owner is a 2-byte pointer to the question's name at offset 12.
    CHECK(bytes.size() == 12 + (4 + 4) + 2 * (2 + 10 + 4));
    CHECK(bytes[12 + 8] == 0xC0);
    CHECK(bytes[12 + 9] == 12);
    auto parsed = parse_message(bytes);
    REQUIRE(parsed);
    REQUIRE(parsed->answers.size() == 2);
    CHECK(parsed->answers[0].name == "db");
    CHECK(parsed->answers[1].rdata == a_rdata(0x0AD50004));
    CHECK(parsed->answers[0].ttl == 5);
    CHECK(parsed->response);
}

TEST_CASE("dns codec: truncated packets are rejected at every length") {
    Message m;
    m.id = 9;
    m.questions.push_back({"api.stack.test", kTypeA, kClassIn});
    m.answers.push_back({"api.stack.test", kTypeA, kClassIn, 5, a_rdata(1)});
    auto bytes = encode_message(m);
    REQUIRE(parse_message(bytes));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        INFO("length " << n);
        CHECK_FALSE(parse_message(std::span(bytes.data(), n)));
    }
    CHECK_FALSE(peek_header(std::span(bytes.data(), 11)));
    CHECK(peek_header(std::span(bytes.data(), 12))->id == 9);
}

TEST_CASE("dns codec: trailing garbage and inflated counts are rejected") {
    auto bytes = query_bytes("a");
    bytes.push_back(0);
    CHECK_FALSE(parse_message(bytes));

    auto inflated = query_bytes("a");
    inflated[4] = 0xFF;  // qdcount = 0xFF01
    CHECK_FALSE(parse_message(inflated));
    inflated = query_bytes("a");
    inflated[7] = 1;  // ancount = 1 with no answer present
    CHECK_FALSE(parse_message(inflated));
}

TEST_CASE("dns codec: compression loops, forward pointers and bad labels are rejected") {
    std::vector<uint8_t> header = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    auto with_name = [&](std::vector<uint8_t> name) {
        auto p = header;
        p.insert(p.end(), name.begin(), name.end());
        p.insert(p.end(), {0, 1, 0, 1});
        return p;
    };
    CHECK(parse_message(with_name({1, 'a', 0})));
    CHECK_FALSE(parse_message(with_name({0xC0, 12})));             // points at itself
    CHECK_FALSE(parse_message(with_name({0xC0, 40})));             // points forward, past the end
    CHECK_FALSE(parse_message(with_name({0x40, 'a', 0})));         // obsolete label type
    CHECK_FALSE(parse_message(with_name({3, 'a', '.', 'b', 0})));  // a dot inside a label
    CHECK_FALSE(parse_message(with_name({5, 'a', 0})));            // label runs past the name
    // 5 labels of 63 bytes: over the 255-byte limit.
    std::vector<uint8_t> longname;
    for (int i = 0; i < 5; ++i) {
        longname.push_back(63);
        longname.insert(longname.end(), 63, 'x');
    }
    longname.push_back(0);
    CHECK_FALSE(parse_message(with_name(longname)));
}

TEST_CASE("dns codec: a pointer chain to an earlier name is followed") {
    // Question "a" at 12; an answer owner "b" + pointer to 12 => "b.a".
    std::vector<uint8_t> p = {0, 1,   0x80, 0,  0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0,  0, 1, 0, 1,
                              1, 'b', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4,   10, 0, 0, 1};
    auto m = parse_message(p);
    REQUIRE(m);
    REQUIRE(m->answers.size() == 1);
    CHECK(m->answers[0].name == "b.a");
    CHECK(m->answers[0].ttl == 9);
}

TEST_CASE("dns codec: names that cannot be encoded throw") {
    CHECK_THROWS_AS(name_rdata(std::string(64, 'x')), stk::Error);
    CHECK_THROWS_AS(name_rdata("a..b"), stk::Error);
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += std::string(60, 'y') + ".";
    CHECK_THROWS_AS(name_rdata(long_name), stk::Error);
    CHECK(name_rdata("web.") == name_rdata("web"));
    CHECK(canonical_name("Web.Stack.") == "web.stack");
}

TEST_CASE("dns codec: random corruption of valid packets never crashes") {
    Message m;
    m.id = 77;
    m.response = true;
    m.questions.push_back({"svc.net", kTypeA, kClassIn});
    for (uint32_t i = 0; i < 4; ++i)
        m.answers.push_back({"svc.net", kTypeA, kClassIn, 5, a_rdata(0x0A000000 + i)});
    m.additional.push_back({"ptr.svc.net", kTypePtr, kClassIn, 5, name_rdata("x.y")});
    const auto valid = encode_message(m);
    std::mt19937 rng(12345);
    int parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        auto p = valid;
        int flips = 1 + rng() % 4;
        for (int i = 0; i < flips; ++i) p[rng() % p.size()] = static_cast<uint8_t>(rng());
        if (rng() % 3 == 0) p.resize(rng() % (p.size() + 1));
        if (auto r = parse_message(p)) {
            ++parsed;
            // Whatever parses must encode again (names were bounds-checked on the way in).
            CHECK_NOTHROW(encode_message(*r));
        }
    }
    CHECK(parsed > 0);
}
