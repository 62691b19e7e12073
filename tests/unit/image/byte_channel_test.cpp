#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "image/unpack/byte_channel.hpp"

using stk::image::ByteChannel;

TEST_CASE("byte channel: bytes arrive in order across threads, then the end") {
    ByteChannel ch(64);  // small: the producer must wait for the consumer
    std::string sent;
    std::thread producer([&] {
        for (int i = 0; i < 500; ++i) ch.push(std::to_string(i) + ",");
        ch.close();
    });
    for (int i = 0; i < 500; ++i) sent += std::to_string(i) + ",";
    std::string got;
    for (std::string piece; !(piece = ch.pop()).empty();) got += piece;
    producer.join();
    CHECK(got == sent);
    CHECK(ch.pop().empty());  // stays at the end
}

TEST_CASE("byte channel: abort wakes a waiting reader with an error") {
    ByteChannel ch;
    std::thread aborter([&] { ch.abort(); });
    CHECK_THROWS_WITH(ch.pop(), Catch::Contains("abandoned"));
    aborter.join();
}

TEST_CASE("byte channel: once the reader stopped, pushes never block and keep nothing") {
    ByteChannel ch(4);
    ch.push("abcd");
    std::thread reader([&] { ch.stop_reading(); });
    ch.push("efgh");  // would wait for room without the stop
    reader.join();
    ch.push(std::string(1000, 'x'));
    ch.close();
    CHECK(ch.pop().empty());
}
